"""The programme's story where the public landing page (prm) wants it, as promotion's
overview video is: the landing page is prm's, the records are recruitment's."""

from django import template

from partners import queries

register = template.Library()


@register.inclusion_tag("partners/story/landing.html")
def landing_story():
    return queries.landing_story()
