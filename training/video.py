"""Embedded video players for lessons: only allow-listed hosts, privacy-respecting URLs.

A lesson stores the video's page URL; the template embeds the player URL returned here
(YouTube's no-cookie domain, Vimeo with do-not-track). Anything else is not embedded.
"""

import re
from urllib.parse import parse_qs, urlparse

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{4,12}$")
YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def embed_url(url: str) -> str | None:
    """The privacy-respecting player URL for a YouTube or Vimeo link, else None."""
    try:
        parts = urlparse(url or "")
    except ValueError:
        return None
    if parts.scheme != "https":
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    video_id = None
    if host in YOUTUBE_HOSTS:
        if segments[:1] == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live"):
            video_id = segments[1]
        if video_id and YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host == "youtu.be":
        video_id = segments[0] if len(segments) == 1 else ""
        if YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host in VIMEO_HOSTS:
        if host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
            video_id = segments[1]
        elif len(segments) == 1:
            video_id = segments[0]
        if video_id and VIMEO_ID.match(video_id):
            return f"https://player.vimeo.com/video/{video_id}?dnt=1"
    return None
