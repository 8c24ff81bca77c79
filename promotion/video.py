"""The overview video's player: YouTube and Vimeo links become privacy-enhanced embeds
(no cookies before play, no tracking). Used by the model's validation and the home panel."""

import re

YOUTUBE = re.compile(r"(?:youtube\.com/watch\?v=|youtu\.be/|youtube(?:-nocookie)?\.com/embed/)([\w-]{6,20})")
VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d{5,12})")
EMBED_PATTERNS = (
    (YOUTUBE, "https://www.youtube-nocookie.com/embed/{}?rel=0"),
    (VIMEO, "https://player.vimeo.com/video/{}?dnt=1"),
)


def embed_url(url: str) -> str:
    """A privacy-enhanced player URL for a YouTube or Vimeo link, or "" for anything else."""
    for pattern, player in EMBED_PATTERNS:
        match = pattern.search(url or "")
        if match:
            return player.format(match.group(1))
    return ""
