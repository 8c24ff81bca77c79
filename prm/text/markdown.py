"""Markdown for user- and staff-written text: render, then sanitise with an allow-list.

Sanitising after rendering is what makes it safe: raw HTML inside the Markdown, event
handler attributes and javascript:/data: links are all removed by nh3 (ammonia).
"""

import re
from functools import lru_cache

import markdown as md
import nh3

from prm.text import weburl

ALLOWED_TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("p", "br", "hr", "blockquote", "pre", "code", "div", "span"),
    *("a", "abbr", "b", "del", "em", "i", "img", "kbd", "s", "strong", "sub", "sup"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
# `class` only as a code block's language (fenced ```python -> class="language-python"):
# other classes would let text borrow the portal's own styling (fake alerts, buttons).
CLASS_VALUES = {"code": re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        pattern = CLASS_VALUES.get(tag)
        return value if pattern and pattern.match(value) else None
    if tag == "img" and attr == "src":
        # No remote images: they are tracking pixels in staff pages and e-mails. Only images
        # of this site are kept: a path with one leading "/" and no scheme or host however
        # it is written. nh3 hands us the value with entities decoded ("/&#9;/evil" arrives
        # as "/<tab>/evil"); a browser would drop the tab and load //evil, so any
        # whitespace, control character or backslash refuses the image (prm.text.weburl).
        return value if weburl.is_site_path(value) else None
    return value


URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "code": {"class"}},
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Rendering is a pure function of the text: the same announcement, answer or asset body on
# every page view is rendered once per process (keyed by the text itself, so an edit is a
# new entry and nothing can go stale). Very long texts are rendered each time.
CACHED_TEXT_MAX = 20_000


def render_markdown(text: str) -> str:
    text = text or ""
    if len(text) > CACHED_TEXT_MAX:
        return _render(text)
    return _render_cached(text)


def _render(text: str) -> str:
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return sanitize_html(html)


_render_cached = lru_cache(maxsize=1024)(_render)
