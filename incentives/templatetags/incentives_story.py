"""The tiers as prospects see them on the public landing page: what each takes and the
benefits the portal itself delivers (deal protection and its extensions, MDF), read from
the tier records. Discounts, support levels and free-text perks are agreed outside the
portal, so they are not promised to prospects here."""

from django import template

from incentives.models import Tier

register = template.Library()


@register.inclusion_tag("incentives/story/tier_benefits.html")
def tier_benefits():
    return {"tiers": list(Tier.objects.order_by("rank"))}
