"""Markdown bodies are rendered harmless: every known vector loses its dangerous parts."""

import html
import re
from html.parser import HTMLParser

import pytest

from prm.text.markdown import ALLOWED_TAGS, render_markdown
from tests.threads.xss_vectors import XSS_VECTORS

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "meta",
    "link",
    "base",
    "form",
    "input",
    "button",
    "svg",
    "math",
    "body",
    "details",
    "video",
    "source",
    "noscript",
    "frame",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data", "srcdoc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def normalise_url(value: str) -> str:
    # What a browser does before looking at the scheme: decode entities, drop control
    # characters and whitespace, ignore case.
    value = html.unescape(html.unescape(value or ""))
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def assert_harmless(rendered: str):
    parser = Collector()
    parser.feed(rendered)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> survived: {rendered}"
        assert tag not in DANGEROUS_TAGS
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived: {rendered}"
            assert name != "style", f"style attribute survived: {rendered}"
            if name in URL_ATTRIBUTES:
                assert not normalise_url(value).startswith(BAD_SCHEMES), f"{name}={value!r}: {rendered}"
    lowered = rendered.lower()
    assert "<script" not in lowered
    assert "javascript:" not in normalise_url(" ".join(v or "" for _t, a in parser.tags for _n, v in a))


def test_the_list_is_long_enough():
    assert len(XSS_VECTORS) >= 30


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_vector_is_rendered_harmless(vector):
    assert_harmless(render_markdown(vector))


@pytest.mark.parametrize("vector", XSS_VECTORS[:10])
def test_vector_inside_normal_markdown_is_harmless(vector):
    assert_harmless(
        render_markdown(f"# Title\n\nSome **text** and a [link](https://example.com).\n\n{vector}\n\n- item")
    )


def test_ordinary_markdown_still_works():
    out = render_markdown("**bold** [site](https://example.com) `code`\n\n- a\n- b")
    assert "<strong>bold</strong>" in out
    assert 'href="https://example.com"' in out
    assert "<li>a</li>" in out


@pytest.mark.django_db
def test_vectors_are_harmless_on_the_thread_page(world, client_for):
    from tests.threads.factories import make_thread

    body = "\n\n".join(XSS_VECTORS)
    thread = make_thread(world.partner_a, world.member_a, body=body)
    response = client_for(world.member_a).get(f"/questions/{thread.pk}/")
    assert response.status_code == 200
    content = response.getvalue().decode()
    start = content.index('class="card-body message-body"')
    fragment = content[start : content.index("</article>", start)]
    assert_harmless(fragment.split(">", 1)[1])
