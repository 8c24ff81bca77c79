"""Hostile inputs: CSV formulas, spoofed client IPs, open redirects, Markdown tricks."""

import csv
import io

import pytest
from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from prm.exports.streaming import csv_response, safe_cell
from prm.http import ratelimit
from prm.http.clientip import client_ip
from prm.text.markdown import render_markdown
from tests.partners.test_apply import lookups, valid  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


# --- CSV -------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(value):
    rows = _rows(csv_response("x", ["h"], [[value]]))
    assert rows[1][0] == "'" + value


def test_numbers_and_plain_text_are_left_alone():
    assert safe_cell(-5) == "-5"
    assert safe_cell(3.5) == "3.5"
    assert safe_cell("Aoba =1") == "Aoba =1"
    assert safe_cell(None) == ""


def test_a_thread_subject_with_a_formula_is_text_in_the_export(world, client_for):
    from tests.threads.factories import make_thread

    make_thread(world.partner_a, world.member_a, subject="=1+1")
    make_thread(world.partner_a, world.member_a, subject='=HYPERLINK("http://evil.example","x")')
    response = client_for(world.member_a).get(reverse("threads:list") + "?format=csv")
    cells = [cell for row in _rows(response) for cell in row]
    assert "'=1+1" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


# --- client IP -------------------------------------------------------------------------
def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="6.6.6.6")) == "10.0.0.1"


def test_the_trusted_proxy_count_picks_the_entry_the_proxy_wrote(settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the real address.
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"
    settings.PRM_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.9.9.9")) == "203.0.113.7"
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.1"  # too few hops


def test_a_trusted_header_wins(settings):
    settings.PRM_CLIENT_IP_HEADER = "X-Real-IP"
    assert (
        client_ip(_request(HTTP_X_REAL_IP="198.51.100.4", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "198.51.100.4"
    )


def test_allauth_uses_the_same_helper(settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    request = _request(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


def test_applications_behind_a_proxy_are_limited_per_visitor(client, valid, settings):  # noqa: F811
    from partners.models import Application

    settings.PRM_TRUSTED_PROXY_COUNT = 1
    settings.PARTNERS_APPLY_RATE_LIMIT = (1, 3600)
    cache.delete_many([f"partners:apply:{ip}" for ip in ("203.0.113.1", "203.0.113.2")])
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    first = client.post("/apply/", valid, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    assert first.status_code == 302
    # A second visitor behind the same proxy is not blocked by the first one ...
    other = {**valid, "website": "https://other.example.com"}
    assert client.post("/apply/", other, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 302
    # ... and the first cannot escape the limit by spoofing a left-hand entry.
    again = {**valid, "website": "https://third.example.com"}
    spoofed = client.post("/apply/", again, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.1", **proxy)
    assert spoofed.status_code == 429
    assert Application.objects.count() == 2


def test_rate_limits_fail_open_when_the_cache_fails(monkeypatch):
    def boom(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", boom)
    assert ratelimit.hit("rl:test", limit=0, window=60) is False


# --- next ------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example/", "\\\\evil"])
def test_the_bookmark_form_does_not_redirect_off_site(world, client_for, target):
    from content.models import Asset
    from tests.content.factories import AssetFactory

    asset = AssetFactory(kind=Asset.Kind.ARTICLE)
    response = client_for(world.member_a).post(reverse("content:bookmark", args=[asset.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("content:detail", args=[asset.pk])


def test_the_bookmark_form_keeps_a_local_next(world, client_for):
    from content.models import Asset
    from tests.content.factories import AssetFactory

    asset = AssetFactory(kind=Asset.Kind.ARTICLE)
    response = client_for(world.member_a).post(
        reverse("content:bookmark", args=[asset.pk]), {"next": "/content/?q=x"}
    )
    assert response["Location"] == "/content/?q=x"


# --- Markdown --------------------------------------------------------------------------
def test_markdown_drops_classes_except_code_languages():
    html = render_markdown('<div class="alert alert-danger">fake</div>\n\n```python\nx = 1\n```\n')
    assert "alert" not in html
    assert 'class="language-python"' in html
    assert "btn" not in render_markdown('<code class="btn btn-danger">x</code>')


def test_markdown_drops_remote_images():
    html = render_markdown("![pixel](https://tracker.example/p.gif?u=1) ![ok](/static/logo.png)")
    assert "tracker.example" not in html
    assert 'src="/static/logo.png"' in html
    assert "evil" not in render_markdown("![x](//evil.example/p.gif)")


@pytest.mark.parametrize("target", ["xxxx", "home", "evil.example"])
def test_a_bare_word_next_is_not_taken_for_a_url_name(client, target):
    # Found by tests/test_hostile_forms.py: redirect("xxxx") raised NoReverseMatch (a 500).
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
