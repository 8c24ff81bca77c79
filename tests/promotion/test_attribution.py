import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from incentives.models import Deal
from promotion import queries, services
from promotion.models import CampaignEvent
from tests.factories import MembershipFactory, PartnerFactory
from tests.incentives.factories import DealFactory, ProductFactory
from tests.promotion.factories import CampaignFactory, asset_with_file

pytestmark = pytest.mark.django_db


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"


def known_data_set(world):
    """Partner A: opted in, 3 clicks, 2 downloads, 3 deals (1 won 2,000,000; 1 approved
    open 500,000; 1 rejected). Partner B: opted in, 1 click, no deals. A third partner opted out.

    The events are made the way visitors make them (issue 21 counts a click once per
    visitor and day and a download once per person and file version): partner A's link is
    opened 6 times by 3 visitors and its kit downloaded 4 times by 2 people, so the repeats
    are in the data and the expected figures are the counted ones (3 and 2)."""
    campaign = CampaignFactory(budget=1_500_000)
    a = services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    b = services.participation_opt_in(campaign=campaign, partner=world.partner_b, user=world.admin_b)
    gone = PartnerFactory()
    services.participation_opt_in(campaign=campaign, partner=gone, user=None)
    services.participation_opt_out(campaign=campaign, partner=gone, user=None)
    for ip in (
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.1",
    ):
        services.link_click(code=a.code, ip=ip, user_agent=BROWSER)
    services.link_click(code=b.code, ip="198.51.100.9", user_agent=BROWSER)
    version = asset_with_file("image").current_version
    for user in (world.member_a, world.admin_a, world.member_a, world.member_a):
        services.kit_download_record(
            campaign=campaign, partner=world.partner_a, user=user, asset_version=version
        )
    DealFactory(partner=world.partner_a, campaign=campaign, won=True, amount=Decimal(2_000_000))
    DealFactory(partner=world.partner_a, campaign=campaign, approved=True, amount=Decimal(500_000))
    DealFactory(partner=world.partner_a, campaign=campaign, status=Deal.Status.REJECTED)
    DealFactory(partner=world.partner_a)  # not from the campaign
    return campaign


def test_attribution_counts_on_a_known_data_set(world):
    campaign = known_data_set(world)
    results = queries.campaign_results(campaign=campaign, partners=world.partner_a.__class__.objects.all())
    rows = {r["partner"]: r for r in results["rows"]}
    a = rows[world.partner_a.name]
    assert (a["opt_ins"], a["clicks"], a["downloads"], a["deals"]) == (1, 3, 2, 2)
    assert (a["pipeline"], a["won_deals"], a["won_revenue"]) == (500_000, 1, 2_000_000)
    b = rows[world.partner_b.name]
    assert (b["opt_ins"], b["clicks"], b["downloads"], b["deals"], b["won_revenue"]) == (1, 1, 0, 0, 0)
    total = results["total"]
    assert (total["opt_ins"], total["clicks"], total["downloads"], total["deals"]) == (2, 4, 2, 2)
    assert total["cost_per_won_deal"] == Decimal(1_500_000)


def test_manager_sees_results_and_csv_for_their_partners_only(world, client_for):
    campaign = known_data_set(world)
    client = client_for(world.manager_a)
    page = client.get(reverse("promotion:staff_campaign", args=[campaign.pk]))
    html = page.getvalue().decode()
    assert world.partner_a.name in html and world.partner_b.name not in html
    assert "<svg" in html and 'data-testid="results-table"' in html
    response = client.get(reverse("promotion:staff_campaign", args=[campaign.pk]) + "?format=csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == world.partner_a.name and rows[1][3] == "3"
    assert len(rows) == 3  # header, partner A, total


def test_deal_registered_against_a_joined_campaign(world, client_for):
    campaign = CampaignFactory()
    other = CampaignFactory()  # not joined: not offered
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    client = client_for(world.member_a)
    form_page = client.get(reverse("incentives:deal_create") + f"?campaign={campaign.pk}")
    choices = [c[0].value for c in form_page.context["form"].fields["campaign"].choices if c[0]]
    assert choices == [campaign.pk] and other.pk not in choices
    product = ProductFactory()
    data = {
        "customer_company": "東京物産株式会社",
        "customer_domain": "tokyo-bussan.example.jp",
        "contact_name": "佐藤",
        "contact_source": "inquiry",
        "contact_consent": "on",
        "product": product.pk,
        "amount": "1200000",
        "currency": "JPY",
        "expected_close_date": (date.today() + timedelta(days=30)).isoformat(),
        "campaign": campaign.pk,
    }
    response = client.post(reverse("incentives:deal_create"), data)
    assert response.status_code == 302
    assert Deal.objects.get(customer_company="東京物産株式会社").campaign == campaign
    data["campaign"] = other.pk
    data["customer_company"] = "別会社"
    assert client.post(reverse("incentives:deal_create"), data).status_code == 200  # invalid choice


def test_campaign_list_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    client = client_for(world.admin_a)

    def grow(n):
        for _ in range(n):
            c = CampaignFactory()
            services.participation_opt_in(campaign=c, partner=world.partner_a, user=world.admin_a)
            services.participation_opt_in(campaign=c, partner=PartnerFactory(), user=None)

    grow(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("promotion:index")).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("promotion:index")).status_code == 200


def test_staff_results_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    campaign = CampaignFactory()
    client = client_for(world.superuser)

    def grow(n):
        for _ in range(n):
            p = PartnerFactory()
            services.participation_opt_in(campaign=campaign, partner=p, user=None)
            CampaignEvent.objects.create(campaign=campaign, partner=p, kind="click")
            DealFactory(partner=p, campaign=campaign)
            CampaignFactory()

    grow(2)
    url = reverse("promotion:staff_campaign", args=[campaign.pk])
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(10) as small_index:
        client.get(reverse("promotion:staff_campaigns"))
    grow(5)
    with django_assert_max_num_queries(len(small_index.captured_queries)):
        client.get(reverse("promotion:staff_campaigns"))


def test_awareness_metric(world, client_for):
    from promotion.models import OverviewVideo

    world.admin_a.last_login = timezone.now() - timedelta(days=3)
    world.admin_a.save(update_fields=["last_login"])
    world.admin_b.last_login = timezone.now() - timedelta(days=45)
    world.admin_b.save(update_fields=["last_login"])
    video = OverviewVideo.objects.create(title_ja="概要", title_en="Overview")
    services.video_view_record(video=video, user=world.member_a, partner=world.partner_a)
    services.visit_record(user=world.admin_a, partner=world.partner_a)
    data = queries.awareness(partners=world.partner_a.__class__.objects.all())
    assert data["overall"] == {"total": 2, "active": 50.0, "watched": 50.0, "reached": 0.0}
    assert data["by_week"][-1]["active"] == 50.0
    assert data["by_week"][-1]["watched"] == 50.0 and data["by_week"][-2]["watched"] == 0.0
    page = client_for(world.manager_a).get(reverse("promotion:staff_awareness"))
    assert page.status_code == 200 and "<svg" in page.getvalue().decode()


def test_lone_member_gets_the_invite_prompt(world, client_for):
    lone = PartnerFactory()
    admin = MembershipFactory(partner=lone, role="admin").user
    page = client_for(admin).get("/")
    assert b'data-testid="invite-prompt"' in page.content
    page = client_for(world.admin_a).get("/")
    assert b'data-testid="invite-prompt"' not in page.content
