"""Channel links to prospects, on known data: a visit, the landing page, the video, the
application (through the consent cookie) and the approval, counted once each by channel."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from partners import services as partner_services
from partners.models import Application
from prm.http.attribution import CHANNEL_COOKIE
from prm.ui.registry import BlockQuery
from promotion import queries
from promotion.models import ChannelEvent, ChannelLink, OverviewVideo
from promotion.views import channel_counter_key
from tests.factories import UserFactory
from tests.partners.factories import CapabilityFactory, IndustryFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


@pytest.fixture(autouse=True)
def _clean_limits(rf):
    keys = [
        "rl:promotion:channel:127.0.0.1",
        "partners:apply:127.0.0.1",
        channel_counter_key(rf.get("/"), timezone.localdate()),
    ]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def social():
    return ChannelLink.objects.create(
        name="LinkedIn launch post",
        channel=ChannelLink.Channel.SOCIAL,
        post="2026-12 launch",
        utm_source="linkedin",
        utm_medium="social",
        utm_campaign="launch",
    )


def _application_data():
    return {
        "company_name": "北斗ソリューションズ株式会社",
        "website": "https://hokuto-solutions.example.jp",
        "country": "JP",
        "company_size": "2",
        "industries": [IndustryFactory(code="retail").pk],
        "capabilities": [CapabilityFactory(code="resale").pk],
        "partner_type": "sales",
        "contact_name": "北斗 花子",
        "contact_email": "hanako@hokuto-solutions.example.jp",
        "source": "event",
        "consent": "on",
    }


def _funnel() -> dict[str, list]:
    today = timezone.localdate()
    now = timezone.now()
    query = BlockQuery(
        partners=None,
        partner_ids=None,
        start=today - timedelta(days=30),
        today=today,
        start_at=now - timedelta(days=30),
        end_at=now + timedelta(minutes=1),
    )
    return {str(row[0]): row[1:] for row in queries.prospect_funnel(query)}


def test_a_prospect_from_a_channel_link_is_counted_through_to_the_approval(client, social):
    response = client.get(f"/go/{social.code}/", **BROWSER)
    assert response.status_code == 302
    assert response["Location"] == (
        f"/?utm_source=linkedin&utm_medium=social&utm_campaign=launch&ch={social.code}"
    )
    # The landing page asks before remembering anything, and reports the view once rendered.
    page = client.get(response["Location"], **BROWSER).content.decode()
    assert 'data-testid="channel-consent"' in page
    assert f"/go/seen/?kind=landing&amp;ch={social.code}" in page
    assert CHANNEL_COOKIE not in client.cookies
    assert client.post(f"/go/seen/?kind=landing&ch={social.code}", **BROWSER).status_code == 204
    consent = client.post("/go/consent/", {"ch": social.code, "answer": "allow", "next": "/"}, **BROWSER)
    assert consent.status_code == 302 and consent["Location"] == "/"
    assert client.cookies[CHANNEL_COOKIE]["httponly"]
    # The video is played from the cookie now (no code in the address).
    assert client.post("/go/seen/?kind=play", **BROWSER).status_code == 204
    # Twice on one day is once.
    client.get(f"/go/{social.code}/", **BROWSER)
    client.post("/go/seen/?kind=play", **BROWSER)
    assert client.post("/apply/", _application_data(), **BROWSER).status_code == 302
    application = Application.objects.get()
    assert application.channel_code == social.code
    assert _funnel()[str(ChannelLink.Channel.SOCIAL.label)] == [1, 1, 1, 1, 0]

    partner_services.application_approve(application=application, actor=UserFactory(is_staff=True))
    funnel = _funnel()
    assert funnel[str(ChannelLink.Channel.SOCIAL.label)] == [1, 1, 1, 1, 1]
    assert funnel[str(ChannelLink.Channel.EVENT.label)] == [0, 0, 0, 0, 0]


def test_without_consent_the_application_is_not_attributed(client, social):
    client.get(f"/go/{social.code}/", **BROWSER)
    client.post("/go/consent/", {"ch": social.code, "answer": "decline", "next": "/"}, **BROWSER)
    assert not client.cookies[CHANNEL_COOKIE].value  # nothing remembered
    client.post("/apply/", _application_data(), **BROWSER)
    assert Application.objects.get().channel_code == ""
    assert _funnel()[str(ChannelLink.Channel.SOCIAL.label)] == [1, 0, 0, 0, 0]


def test_bots_inactive_and_unknown_links_count_nothing(client, social):
    assert client.get(f"/go/{social.code}/", HTTP_USER_AGENT="Twitterbot/1.0").status_code == 302
    assert not ChannelEvent.objects.exists()
    social.is_active = False
    social.save()
    response = client.get(f"/go/{social.code}/", **BROWSER)
    assert response["Location"] == "/" and not ChannelEvent.objects.exists()
    assert client.post(f"/go/seen/?kind=landing&ch={social.code}", **BROWSER).status_code == 404
    assert client.get("/go/nosuchcode/", **BROWSER).status_code == 404
    # A forged cookie value or a hostile code is ignored.
    client.cookies[CHANNEL_COOKIE] = "forged"
    assert client.post("/go/seen/?kind=play&ch=<script>", **BROWSER).status_code == 404


def test_a_link_to_a_public_resource_leads_there_and_a_private_one_falls_back(client):
    from tests.content.factories import AssetFactory

    asset = AssetFactory(is_public=True)
    link = ChannelLink.objects.create(
        name="Flyer", channel=ChannelLink.Channel.EVENT, target=ChannelLink.Target.RESOURCE, asset=asset
    )
    assert client.get(f"/go/{link.code}/", **BROWSER)["Location"] == f"/resources/{asset.pk}/?ch={link.code}"
    asset.is_public = False
    asset.save()
    assert client.get(f"/go/{link.code}/", **BROWSER)["Location"] == f"/?ch={link.code}"


def test_one_address_counts_a_bounded_number_of_visitors_a_day(client, social, settings):
    settings.PROMOTION_CLICKS_PER_IP_DAY = 1  # three steps of one visitor
    for n in range(4):  # a script changing its user agent on every request
        client.get(f"/go/{social.code}/", HTTP_USER_AGENT=f"Mozilla/5.0 (variant {n})")
    assert ChannelEvent.objects.count() == 3


def test_the_shared_landing_page_carries_each_visitors_own_play_address(client, social):
    """The landing page's body is shared by every visitor for a minute: the video in it must
    not carry the first visitor's channel; each visitor's marker carries their own."""
    OverviewVideo.objects.create(title="Overview", external_url="https://vimeo.com/1")
    cache.clear()
    plain = client.get("/", **BROWSER).content.decode()
    assert 'data-testid="overview-video"' in plain and "kind=play" not in plain

    channel_visitor = Client()
    page = channel_visitor.get(f"/?ch={social.code}", **BROWSER).content.decode()
    assert f'data-channel-play-url="/go/seen/?kind=play&amp;ch={social.code}"' in page

    # A visitor after them is not given their channel, though the body comes from the cache.
    later = Client().get("/", **BROWSER).content.decode()
    assert social.code not in later and "kind=play" not in later
