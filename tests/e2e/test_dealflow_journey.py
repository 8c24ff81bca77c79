"""In Japanese: a partner admin asks to extend a deal's protection; the channel manager finds
the request in the queue and extends it; the partner's deal page shows the new end date
(issue 28, part 2)."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")


def test_extension_request_to_approval(page, live_server, login):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from incentives import services
    from incentives.models import Deal, ProtectionExtension, Tier
    from partners.models import Membership
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.incentives.factories import DealFactory, ProductFactory

    Tier.objects.create(
        rank=0,
        name="レジスタード",
        name_en="Registered",
        protection_days=30,
        max_extensions=1,
        extension_grace_days=7,
    )
    partner_admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = partner_admin.membership.partner
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    services.tiers_recompute()
    ends = date.today() + timedelta(days=3)
    deal = DealFactory(
        partner=partner,
        registered_by=partner_admin,
        customer_company="株式会社みなと物流",
        product=ProductFactory(code="erp", name="クラウドERP", name_en="Cloud ERP"),
        status=Deal.Status.APPROVED,
        protected_until=ends,
    )
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)

    # 1. The partner admin asks for more time on the deal page.
    login(partner_admin.email, PASSWORD)
    page.goto(f"{base}/deals/{deal.pk}/")
    form = page.get_by_test_id("extension-form")
    form.get_by_label("新しい受注予定日").fill((date.today() + timedelta(days=45)).isoformat())
    form.get_by_label("延長が必要な理由").fill("お客様の稟議が来月の取締役会に回りました。")
    form.get_by_role("button", name="申請を送信").click()
    page.wait_for_load_state()
    assert "チャネルマネージャーに申請を送信しました" in page.content()
    assert page.get_by_test_id("extension-requested").is_visible()
    page.screenshot(path=str(SHOTS / "dealflow-extension-requested.png"), full_page=True)

    # 2. The manager finds it in the queue and extends the protection (the tier's 30 days).
    page.context.clear_cookies()
    login(manager.email, PASSWORD)
    staff = page
    staff.goto(f"{base}/staff/deals/extensions/")
    assert "お客様の稟議が来月の取締役会に回りました。" in staff.content()
    staff.get_by_role("link", name="株式会社みなと物流").click()
    staff.wait_for_load_state()
    decision = staff.get_by_test_id("extension-decision-form")
    decision.get_by_role("radio", name="保護期間を延長する").check()
    decision.get_by_role("button", name="判定を保存").click()
    staff.wait_for_load_state()
    assert "延長しました" in staff.content()
    staff.screenshot(path=str(SHOTS / "dealflow-extension-queue.png"), full_page=True)
    deal.refresh_from_db()
    assert deal.protected_until == ends + timedelta(days=30)
    assert ProtectionExtension.objects.get(deal=deal).status == ProtectionExtension.Status.APPROVED

    # 3. The partner's deal page shows the new end date; no second request (the tier allows one).
    page.context.clear_cookies()
    login(partner_admin.email, PASSWORD)
    page.goto(f"{base}/deals/{deal.pk}/")
    assert page.get_by_test_id("extension-approved").is_visible()
    assert (
        f"{deal.protected_until.year}年{deal.protected_until.month}月{deal.protected_until.day}日"
        in page.content()
    )
    assert page.get_by_test_id("extension-form").count() == 0
    page.screenshot(path=str(SHOTS / "dealflow-extension-approved.png"), full_page=True)
