from django import template

from promotion.models import ChannelEvent
from promotion.views import channel_seen_url, video_panel_context

register = template.Library()


@register.inclusion_tag("promotion/video_block.html", takes_context=True)
def overview_video(context):
    """The overview video where a page wants it (the public landing page), if there is one.
    It is inside the landing page's shared fragment, so nothing of the visitor is rendered
    here: a channel visitor's play is reported through `channel_seen`'s marker (video.js)."""
    return {"user": context.get("user"), "request": context.get("request"), "block": video_panel_context()}


@register.inclusion_tag("promotion/channel_seen.html", takes_context=True)
def channel_seen(context, kind: str):
    """Where a public page (the landing page) reports that a visitor who came by a channel
    link saw it: rendered only for such a visitor; the browser reports, a bot does not."""
    request = context.get("request")
    if request is None:
        return {"seen_url": "", "play_url": ""}
    return {
        "seen_url": channel_seen_url(request, kind),
        "play_url": channel_seen_url(request, ChannelEvent.Kind.PLAY),
    }
