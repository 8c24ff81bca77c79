"""Finding 5 (issue 21): a Markdown image never loads from another site, however its
address is written; in pages and in the HTML e-mails (a remote image there is a read
receipt: it tells the sender when a member of staff opened the mail)."""

import re

import pytest
from django.core import mail

from prm.text.markdown import render_markdown

REMOTE = [
    "/&#9;/evil.example/x.png",  # the reported bypass: nh3 decodes the tab, browsers drop it
    "/&#x09;/evil.example/x.png",
    "/&#10;/evil.example/x.png",
    "/&#13;/evil.example/x.png",
    "/&Tab;/evil.example/x.png",
    "/&NewLine;/evil.example/x.png",
    "/\t/evil.example/x.png",
    "\t//evil.example/x.png",
    " //evil.example/x.png",
    "/\\evil.example/x.png",
    "\\\\evil.example/x.png",
    "/&#92;evil.example/x.png",
    "&#47;&#47;evil.example/x.png",
    "/&#x2F;evil.example/x.png",
    "//evil.example/x.png",
    "https://evil.example/x.png",
    "HTTPS://evil.example/x.png",
    "http:/\\evil.example/x.png",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "/\u200b/evil.example/x.png",
    "/&#8203;/evil.example/x.png",
    "/&#0;/evil.example/x.png",
    "/\x0c/evil.example/x.png",
]
SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"', re.I)


def _sources(html: str) -> list[str]:
    return SRC.findall(html)


@pytest.mark.parametrize("src", REMOTE)
@pytest.mark.parametrize("form", ["html", "markdown"])
def test_remote_image_addresses_are_dropped(src, form):
    text = f'<img src="{src}" alt="x">' if form == "html" else f"![x]({src})"
    assert _sources(render_markdown(text)) == []


def test_images_of_this_site_stay():
    html = render_markdown('![chart](/media/chart.png "Q3")\n\n<img src="/static/img/logo.png" alt="logo">')
    assert _sources(html) == ["/media/chart.png", "/static/img/logo.png"]
    # A percent-encoded tab is not decoded by browsers when they parse a path: same site.
    assert _sources(render_markdown("![x](/%09/a.png)")) == ["/%09/a.png"]


@pytest.mark.django_db
def test_html_notification_emails_carry_no_remote_image(world, django_capture_on_commit_callbacks):
    """A partner's question mailed to staff (the read-receipt case of the finding)."""
    from tests.threads.factories import make_thread

    body = "Please look:\n\n" + "\n\n".join(f'<img src="{src}" alt="a">\n\n![b]({src})' for src in REMOTE)
    body += "\n\n![ours](/media/ok.png)"
    with django_capture_on_commit_callbacks(execute=True):
        make_thread(world.partner_a, world.member_a, body=body)
    assert mail.outbox, "staff are told by e-mail"
    for message in mail.outbox:
        html = next(content for content, kind in message.alternatives if kind == "text/html")
        assert _sources(html) == ["/media/ok.png"], html
        for src in _sources(html):
            assert src.startswith("/") and not src.startswith("//")
