"""Register a deal, a manager approves it, the partner marks it won, the recomputation moves
the partner up a tier, and the scorecard shows it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def test_deal_to_tier_upgrade(page, browser, live_server):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from incentives import services
    from incentives.models import Deal, PartnerTierState, Tier
    from partners.models import Membership
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.incentives.factories import ProductFactory

    Tier.objects.create(rank=0, name="レジスタード", name_en="Registered", protection_days=30)
    Tier.objects.create(
        rank=1,
        name="シルバー",
        name_en="Silver",
        min_won_revenue=Decimal(5_000_000),
        min_won_deals=1,
        protection_days=60,
    )
    ProductFactory(code="erp", name="クラウドERP", name_en="Cloud ERP")
    partner_admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = partner_admin.membership.partner
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    services.tiers_recompute()
    assert PartnerTierState.objects.get(partner=partner).tier.rank == 0
    base = live_server.url

    # 1. The partner registers a deal.
    sign_in(page, base, partner_admin.email)
    page.goto(f"{base}/deals/new/")
    page.fill("#id_customer_company", "株式会社みなと物流")
    page.fill("#id_customer_domain", "https://www.minato-logistics.example.jp/")
    page.fill("#id_contact_name", "港 一郎")
    page.select_option("#id_contact_source", "meeting")
    page.check("#id_contact_consent")
    page.select_option("#id_product", label="クラウドERP")
    page.fill("#id_amount", "5500000")
    page.fill("#id_expected_close_date", (date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="審査を申請").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("under-review").is_visible()
    deal = Deal.objects.get(partner=partner)
    assert deal.customer_domain == "minato-logistics.example.jp"

    # 2. The channel manager approves it in the review queue.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in(staff, base, manager.email)
    staff.goto(f"{base}/staff/deals/")
    staff.get_by_role("link", name="株式会社みなと物流").click()
    staff.wait_for_load_state()
    staff.get_by_role("radio", name="承認", exact=True).check()
    staff.fill("#id_reason", "既存の取引はありません。")
    staff.get_by_role("button", name="判定を保存").click()
    staff.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    assert deal.protected_until == date.today() + timedelta(days=30)
    staff_context.close()

    # 3. The partner marks it won.
    page.goto(f"{base}/deals/{deal.pk}/")
    assert "承認されました" in page.content()
    page.get_by_role("radio", name="受注", exact=True).check()
    # Won at the approved amount (above it, the deal would go back to review first).
    page.fill("#close_amount", "5500000")
    page.get_by_test_id("close-form").get_by_role("button", name="結果を保存").click()
    page.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.WON

    # 4. The nightly recomputation moves the partner up; the scorecard shows it.
    from incentives import tasks

    tasks.recompute_tiers.delay()
    page.goto(f"{base}/incentives/")
    assert page.get_by_test_id("current-tier").inner_text().strip() == "シルバー"
    assert "5,500,000" in page.get_by_test_id("revenue-table").text_content()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("current-tier").inner_text().strip() == "Silver"
