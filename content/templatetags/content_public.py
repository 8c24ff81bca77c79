"""The public resources where the public landing page (prm) wants them, as promotion's
overview video is: the landing page is prm's, the assets are content's."""

from django import template

from content import queries

register = template.Library()

LANDING_RESOURCES = 3


@register.inclusion_tag("content/resources_block.html")
def public_resources():
    return {"assets": list(queries.public_assets()[:LANDING_RESOURCES])}
