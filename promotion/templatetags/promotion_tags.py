from django import template

from promotion.views import video_panel_context

register = template.Library()


@register.inclusion_tag("promotion/video_block.html", takes_context=True)
def overview_video(context):
    """The overview video where a page wants it (the public landing page), if there is one."""
    return {"user": context.get("user"), "request": context.get("request"), "block": video_panel_context()}
