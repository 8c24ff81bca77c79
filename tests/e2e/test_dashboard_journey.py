"""The channel dashboard, partner 360 and the notification bell in a real browser:
a channel manager reads the dashboard in Japanese and English with filters in the URL,
opens the partner 360 of an assigned partner, approves a deal, and the partner's bell
(another session, no reload) shows the new notification."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def test_dashboard_partner_360_and_bell(page, browser, live_server):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from incentives import services
    from incentives.models import Deal
    from onboarding.models import OnboardingPlan
    from partners.models import Membership, PartnerType
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory
    from tests.incentives.factories import DealFactory, make_tiers

    make_tiers()
    partner_admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社",
        partner__partner_type=PartnerType.SALES,
        role=Membership.Role.ADMIN,
        user__language="ja",
    ).user
    partner = partner_admin.membership.partner
    other = PartnerFactory(name="見えない商事株式会社")
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    today = timezone.localdate()
    OnboardingPlan.objects.create(
        partner=partner,
        owner=manager,
        started_on=today - timedelta(days=20),
        target_days=60,
        target_date=today + timedelta(days=40),
    )
    DealFactory(partner=partner, registered_by=partner_admin, customer_company="株式会社みなと物流")
    DealFactory(partner=other, approved=True)
    services.tiers_recompute()
    base = live_server.url

    # The partner is signed in in one browser context and sees an empty bell.
    sign_in(page, base, partner_admin.email)
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("data-unread", "0")

    # The manager, in another context, reads the dashboard in Japanese.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in(staff, base, manager.email)
    staff.goto(f"{base}/staff/")
    expect(staff.get_by_role("heading", name="チャネルダッシュボード")).to_be_visible()
    for key in (
        "recruitment",
        "onboarding",
        "activity",
        "content",
        "deals",
        "tiers",
        "questions",
        "campaigns",
    ):
        expect(staff.locator(f'[data-block="{key}"]')).to_be_visible()
    charts = staff.locator("[data-block] img.chart-img")
    assert charts.count() >= 5  # SVG charts as their own image URLs (CSP), drawn after the page
    tiers_chart = staff.locator('[data-block="tiers"] img.chart-img')
    tiers_chart.scroll_into_view_if_needed()
    expect(tiers_chart).to_have_js_property("complete", True)
    assert tiers_chart.evaluate("img => img.naturalWidth") > 0  # the SVG loaded
    deals_block = staff.locator('[data-block="deals"]')
    expect(deals_block.locator("table")).to_contain_text("1")
    assert "見えない商事" not in staff.content()
    staff.screenshot(path="var/e2e-dashboard-ja.png", full_page=True)

    # Filters travel in the URL and come back selected.
    staff.select_option("#id_days", "30")
    staff.select_option("#id_partner_type", PartnerType.SALES.value)
    staff.get_by_role("button", name="適用").click()
    staff.wait_for_load_state()
    assert re.search(r"days=30", staff.url) and "partner_type=sales" in staff.url
    expect(staff.locator("#id_days")).to_have_value("30")
    staff.goto(f"{base}/staff/?partner_type=delivery")
    expect(staff.locator('[data-block="deals"]')).to_contain_text("この条件に該当するデータはありません。")

    # Partner 360 through the search box, by reading (katakana) as well as by name.
    staff.fill("#partner-search", "サクラ")
    staff.get_by_role("button", name="検索").click()
    staff.wait_for_load_state()
    staff.get_by_role("link", name="さくらシステムズ株式会社").click()
    staff.wait_for_load_state()
    expect(staff.locator("#partner-name")).to_have_text("さくらシステムズ株式会社")
    expect(staff.locator("#owner")).to_contain_text(manager.get_full_name())
    staff.screenshot(path="var/e2e-partner-360-ja.png", full_page=True)

    # The manager approves the deal; the partner's bell updates without a reload.
    deal = Deal.objects.get(partner=partner)
    staff.goto(f"{base}/staff/deals/{deal.pk}/")
    staff.get_by_role("radio", name="承認", exact=True).check()
    staff.fill("#id_reason", "既存の取引はありません。")
    staff.get_by_role("button", name="判定を保存").click()
    staff.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    expect(page.locator("#notification-bell")).to_have_attribute("data-unread", "1", timeout=30_000)
    page.locator("#notification-bell").click()
    page.wait_for_load_state()
    expect(page.locator("#notification-list")).to_contain_text("株式会社みなと物流")

    # "Message" on partner 360 starts a thread to the partner and lands on it.
    staff.goto(f"{base}/staff/partners/{partner.pk}/")
    staff.get_by_test_id("message-partner").click()
    staff.wait_for_load_state()
    staff.fill("#id_subject", "新しい価格表のご案内")
    staff.fill("#id_body", "来期の価格表をお送りします。")
    staff.get_by_test_id("send-message").click()
    staff.wait_for_load_state()
    assert re.search(r"/staff/questions/\d+/$", staff.url)
    expect(staff.locator("body")).to_contain_text("来期の価格表をお送りします。")

    # The dashboard in English.
    staff.goto(f"{base}/staff/?days=90")
    staff.get_by_role("button", name="English").click()
    staff.wait_for_load_state()
    expect(staff.get_by_role("heading", name="Channel dashboard")).to_be_visible()
    expect(staff.locator('[data-block="deals"] h2')).to_have_text("Deals and pipeline by tier and type")
    staff.screenshot(path="var/e2e-dashboard-en.png", full_page=True)
    staff_context.close()
