from django import template

from promotion.models import ChannelEvent
from promotion.views import channel_seen_url, video_panel_context

register = template.Library()


@register.inclusion_tag("promotion/video_block.html", takes_context=True)
def overview_video(context):
    """The overview video where a page wants it (the public landing page), if there is one."""
    request = context.get("request")
    return {
        "user": context.get("user"),
        "request": request,
        "block": video_panel_context(),
        "channel_play_url": channel_seen_url(request, ChannelEvent.Kind.PLAY) if request else "",
    }


@register.inclusion_tag("promotion/channel_seen.html", takes_context=True)
def channel_seen(context, kind: str):
    """Where a public page (the landing page) reports that a visitor who came by a channel
    link saw it: rendered only for such a visitor; the browser reports, a bot does not."""
    request = context.get("request")
    return {"seen_url": channel_seen_url(request, kind) if request else ""}
