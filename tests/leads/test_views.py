"""The pages: a manager creates and offers a lead, the partner answers and works it; lists
keep a fixed number of queries; another partner's lead is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Lead, Prefecture
from tests.incentives.factories import ProductFactory
from tests.leads.helpers import new_lead

pytestmark = pytest.mark.django_db


def test_manager_creates_a_lead_with_suggested_readings_and_offers_it(world, client_for):
    client = client_for(world.manager_a)
    response = client.post(
        reverse("leads:staff_create"),
        {
            "company": "株式会社山田製作所",
            "contact_name": "山田 太郎",
            "contact_email": "yamada@example.jp",
            "need": "在庫管理",
            "region": Prefecture.OSAKA,
            "value_estimate_jpy": "2000000",
            "source": Lead.Source.EVENT,
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "leads:staff_detail", args=[lead.pk]
    )
    assert lead.company_kana and lead.contact_name_kana.startswith("ヤマダ")
    response = client.post(reverse("leads:staff_offer", args=[lead.pk]), {"partner": world.partner_a.pk})
    lead.refresh_from_db()
    assert lead.status == Lead.Status.OFFERED and lead.partner == world.partner_a
    # A manager cannot offer to a partner outside their scope.
    other = new_lead(world.manager_a, company="Other")
    client.post(reverse("leads:staff_offer", args=[other.pk]), {"partner": world.partner_b.pk})
    other.refresh_from_db()
    assert other.status == Lead.Status.NEW


def test_a_negative_value_or_no_contact_is_refused_and_nothing_is_lost(world, client_for):
    response = client_for(world.manager_a).post(
        reverse("leads:staff_create"),
        {
            "company": "X",
            "need": "Y",
            "region": Prefecture.TOKYO,
            "value_estimate_jpy": "-5",
            "source": "website",
        },
    )
    assert response.status_code == 400 and not Lead.objects.exists()
    assert 'value="X"' in response.content.decode()


def test_partner_accepts_works_and_converts(world, client_for):
    lead = new_lead(world.superuser, product=ProductFactory())
    services.lead_offer(lead=lead, partner=world.partner_a, actor=world.superuser)
    admin = client_for(world.admin_a)
    page = admin.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "yamada@test-shoji.example.jp" not in page  # the contact after acceptance only
    admin.post(reverse("leads:accept", args=[lead.pk]))
    page = admin.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "yamada@test-shoji.example.jp" in page
    response = admin.post(reverse("leads:status", args=[lead.pk]), {"status": "disqualified", "note": ""})
    assert response.status_code == 400  # a reason is needed
    admin.post(reverse("leads:status", args=[lead.pk]), {"status": "qualified", "note": "予算確保済み"})
    response = admin.post(
        reverse("leads:convert", args=[lead.pk]),
        {
            "customer_domain": "https://www.test-shoji.example.jp/",
            "product": lead.product_id,
            "amount": "5000000",
            "expected_close_date": (timezone.localdate() + timedelta(days=45)).isoformat(),
        },
    )
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    assert response["Location"] == reverse("incentives:deal_detail", args=[lead.deal_id])
    assert lead.deal.customer_domain == "test-shoji.example.jp"
    deal_page = admin.get(response["Location"]).content.decode()
    assert 'data-testid="deal-source"' in deal_page
    lead_page = admin.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="lead-deal"' in lead_page


def test_another_partners_lead_and_a_members_unassigned_lead_are_404(world, client_for):
    lead = new_lead(world.superuser)
    services.lead_offer(lead=lead, partner=world.partner_a, actor=world.superuser)
    assert client_for(world.admin_b).get(reverse("leads:detail", args=[lead.pk])).status_code == 404
    assert client_for(world.member_a).get(reverse("leads:detail", args=[lead.pk])).status_code == 404
    assert client_for(world.member_a).post(reverse("leads:accept", args=[lead.pk])).status_code == 404
    lead.refresh_from_db()
    assert lead.status == Lead.Status.OFFERED


def _many(world, n):
    for i in range(n):
        lead = new_lead(world.superuser, company=f"Co {i}", product=ProductFactory())
        services.lead_offer(lead=lead, partner=world.partner_a, actor=world.superuser)
        services.lead_assign(lead=lead, actor=world.admin_a, assignee=world.member_a)


@pytest.mark.parametrize("url", ["leads:index", "leads:staff_leads"])
def test_lists_keep_their_query_count(world, client_for, django_assert_max_num_queries, url):
    user = world.admin_a if url == "leads:index" else world.manager_a
    client = client_for(user)
    _many(world, 2)
    client.get(reverse(url))  # warm the per-process navigation and session
    with django_assert_max_num_queries(14) as small:
        client.get(reverse(url))
    few = len(small.captured_queries)
    _many(world, 12)
    client.get(reverse(url))  # the new leads bumped the partner's cached navigation counts
    with django_assert_max_num_queries(few) as large:
        response = client.get(reverse(url))
    assert response.content.decode().count("Co 1") >= 1
    assert len(large.captured_queries) == few


def test_home_panel_and_badge_count_the_leads_waiting_for_the_person(world, client_for):
    lead = new_lead(world.superuser)
    services.lead_offer(lead=lead, partner=world.partner_a, actor=world.superuser)
    home = client_for(world.admin_a).get(reverse("home")).content.decode()
    assert 'data-testid="leads-panel"' in home
    assert "1 lead is waiting for your answer." in home or "1件の見込み客" in home
    member_home = client_for(world.member_a).get(reverse("home")).content.decode()
    assert "waiting for your answer" not in member_home and "ご回答をお待ち" not in member_home
