"""Finding 6 (issue 21): attribution cannot be inflated and tracked links do not outlive
the partnership. A click counts once per visitor and day (a keyed hash: no address is
stored), a kit download once per person and version, the link is rate-limited, and a link
whose participation or partner is no longer active leads only to the vendor's own page."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from partners import services as partner_services
from promotion import queries, services
from promotion.models import CampaignEvent, CampaignParticipation
from tests.promotion.factories import CampaignFactory, asset_with_file

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
IP = "203.0.113.5"


@pytest.fixture
def link(world):
    campaign = CampaignFactory(landing_url="https://vendor.example/spring")
    participation = services.participation_opt_in(
        campaign=campaign, partner=world.partner_a, user=world.admin_a, landing_url="https://alpha.example/lp"
    )
    return participation


def _url(participation) -> str:
    return reverse("promotion:tracked_link", args=[participation.code])


def _clicks() -> int:
    return CampaignEvent.objects.filter(kind="click").count()


def test_one_visitor_clicking_all_day_counts_once(link, client):
    for _ in range(20):
        response = client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP)
        assert response.status_code == 302 and response["Location"] == "https://alpha.example/lp"
    assert _clicks() == 1
    client.get(_url(link), HTTP_USER_AGENT=BROWSER + " Edg/120", REMOTE_ADDR=IP)  # a second browser
    client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")  # someone else
    assert _clicks() == 3


def test_the_next_day_counts_again_and_no_address_is_stored(link):
    today = timezone.now()
    for now in (today, today, today + timedelta(days=1)):
        services.link_click(code=link.code, ip=IP, user_agent=BROWSER, now=now)
    assert _clicks() == 2
    visitors = list(CampaignEvent.objects.values_list("visitor", flat=True))
    assert len(set(visitors)) == 2 and all(len(v) == 32 for v in visitors)
    for row in CampaignEvent.objects.values():
        assert not any(IP in str(value) for value in row.values())


def test_a_script_changing_its_user_agent_is_capped_per_address_and_day(link, client, settings):
    settings.PROMOTION_CLICKS_PER_IP_DAY = 5
    for n in range(30):
        client.get(_url(link), HTTP_USER_AGENT=f"{BROWSER} build/{n}", REMOTE_ADDR=IP)
    assert _clicks() == 5


def test_the_link_is_rate_limited(link, client, settings):
    settings.PROMOTION_LINK_RATE_LIMIT = (3, 60)
    statuses = [client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    response = client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP)
    assert response["Retry-After"] == "60"
    assert client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_kit_downloads_count_once_per_person_and_version(world, client_for):
    asset = asset_with_file("image")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    from promotion.models import CobrandedFile

    services.cobranded_generate(file_id=CobrandedFile.objects.get().pk)
    url = reverse("promotion:kit_download", args=[campaign.pk, asset.current_version.pk])
    member, admin = client_for(world.member_a), client_for(world.admin_a)
    for _ in range(5):
        assert member.get(url).status_code == 200
    assert admin.get(url).status_code == 200
    downloads = CampaignEvent.objects.filter(kind="download")
    assert sorted(downloads.values_list("user_id", flat=True)) == sorted(
        [world.member_a.pk, world.admin_a.pk]
    )
    results = queries.campaign_results(campaign=campaign, partners=world.partner_a.__class__.objects.all())
    assert results["total"]["downloads"] == 2


@pytest.mark.parametrize("end", ["opt_out", "suspend", "offboard"])
def test_a_link_that_outlived_the_participation_leads_to_the_vendor_page_only(end, link, world, client):
    if end == "opt_out":
        services.participation_opt_out(campaign=link.campaign, partner=world.partner_a, user=world.admin_a)
    elif end == "suspend":
        partner_services.partner_suspend(partner=world.partner_a, actor=world.superuser, reason="x")
    else:
        partner_services.partner_offboard(partner=world.partner_a, actor=world.superuser, reason="x")
    response = client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP)
    assert response.status_code == 302
    assert response["Location"] == "https://vendor.example/spring"  # never the partner's page
    assert _clicks() == 0
    # Without a landing page of the campaign's own, the link is gone.
    link.campaign.landing_url = ""
    link.campaign.save(update_fields=["landing_url"])
    assert client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP).status_code == 404
    assert _clicks() == 0


def test_opting_in_again_brings_the_link_back(link, world, client):
    services.participation_opt_out(campaign=link.campaign, partner=world.partner_a, user=world.admin_a)
    services.participation_opt_in(campaign=link.campaign, partner=world.partner_a, user=world.admin_a)
    response = client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP)
    assert response["Location"] == "https://alpha.example/lp" and _clicks() == 1


@pytest.mark.parametrize(
    "landing",
    [
        "javascript:alert(1)",
        "//evil.example/",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "/\\evil.example",
    ],
)
def test_a_partner_landing_page_must_be_a_web_address(landing, world, client_for):
    campaign = CampaignFactory()
    client = client_for(world.admin_a)
    response = client.post(
        reverse("promotion:opt_in", args=[campaign.pk]), {"landing_url": landing}, follow=True
    )
    assert "https://" in response.content.decode()  # the message says what to enter
    assert not CampaignParticipation.objects.exists()
    client.post(reverse("promotion:opt_in", args=[campaign.pk]), {"landing_url": " www.alpha.example/lp "})
    assert CampaignParticipation.objects.get().landing_url == "https://www.alpha.example/lp"


def test_counting_fails_closed_without_redis_but_the_link_still_works(link, client, settings):
    working = settings.CACHES
    settings.CACHES = {"default": {**working["default"], "LOCATION": "redis://127.0.0.1:1/1"}}
    try:
        response = client.get(_url(link), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=IP)
    finally:
        settings.CACHES = working
        caches["default"].close()
    assert response.status_code == 302 and response["Location"] == "https://alpha.example/lp"
    assert _clicks() == 0


def test_a_refused_landing_page_comes_back_to_be_corrected(world, client_for):
    campaign = CampaignFactory()
    response = client_for(world.admin_a).post(
        reverse("promotion:opt_in", args=[campaign.pk]),
        {"landing_url": 'htps://alpha.example/"><script>'},
        follow=True,
    )
    html = response.content.decode()
    assert 'value="htps://alpha.example/&quot;&gt;&lt;script&gt;"' in html
    assert "<script>" not in html.split("</nav>", 1)[-1]
