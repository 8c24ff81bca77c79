"""The landing page's window on the marketplace: a few published solutions and the way to
all of them and to the partner directory (prospects see what partners build here)."""

from django import template

from marketplace import queries

register = template.Library()

LANDING_SOLUTIONS = 3


@register.inclusion_tag("marketplace/showcase_block.html")
def solution_showcase():
    return {"listings": queries.newest_public_listings(LANDING_SOLUTIONS)}
