"""In Japanese: a channel manager offers a lead to a partner; the partner admin accepts it,
records a status update and converts it into a deal registration (approved at once); the
partner's activation on partner 360 moves to "first deal approved" (issue 28, part 1)."""

from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")


def _first_approved(page) -> str:
    block = page.get_by_test_id("activation")
    return block.locator("dt:has-text('初回案件承認') + dd").inner_text()


def test_manager_offers_partner_accepts_works_and_converts(page, live_server, login):
    from datetime import date, timedelta

    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from incentives.models import Deal, Tier
    from leads import services
    from leads.models import Lead, Prefecture
    from partners.models import Membership
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.incentives.factories import ProductFactory

    Tier.objects.create(rank=0, name="レジスタード", name_en="Registered", protection_days=30)
    partner_admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = partner_admin.membership.partner
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    product = ProductFactory(code="erp", name="クラウドERP", name_en="Cloud ERP")
    lead = services.lead_create(
        actor=manager,
        data={
            "company": "株式会社なにわ精工",
            "contact_name": "山田 太郎",
            "contact_email": "yamada@naniwa-seiko.example.jp",
            "need": "工場3拠点の生産管理システムを刷新したい。",
            "region": Prefecture.OSAKA,
            "product": product,
            "value_estimate_jpy": 8_000_000,
        },
    )
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)

    # 1. The manager sees no approved deal yet on partner 360, then offers the lead by hand.
    login(manager.email, PASSWORD)
    page.goto(f"{base}/staff/partners/{partner.pk}/")
    before = _first_approved(page)
    assert "日後" not in before
    page.goto(f"{base}/staff/leads/{lead.pk}/")
    offer = page.get_by_test_id("lead-offer-form")
    offer.get_by_label("パートナー").select_option(label="さくらシステムズ株式会社")
    offer.get_by_role("button", name="紹介する").click()
    page.wait_for_load_state()
    assert "さくらシステムズ株式会社に見込み客を紹介しました。" in page.content()

    # 2. The partner admin finds it under 見込み客, accepts it and sees the contact.
    page.context.clear_cookies()
    login(partner_admin.email, PASSWORD)
    page.get_by_role("link", name="見込み客").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="株式会社なにわ精工").click()
    page.wait_for_load_state()
    assert "受諾すると表示されます。" in page.content()
    page.get_by_role("button", name="見込み客を受諾する").click()
    page.wait_for_load_state()
    assert "yamada@naniwa-seiko.example.jp" in page.get_by_test_id("lead-contact").inner_text()

    # 3. A status update with its note.
    work = page.get_by_test_id("lead-work")
    work.get_by_label("新しいステータス").select_option(label="連絡済み")
    work.get_by_label("メモ").fill("山田様と電話で話し、来週デモを実施します。")
    work.get_by_role("button", name="ステータスを保存").click()
    page.wait_for_load_state()
    assert "ステータスを更新しました。" in page.content()
    assert "来週デモを実施します" in page.get_by_test_id("lead-notes").inner_text()
    page.screenshot(path=str(SHOTS / "leads-working.png"), full_page=True)

    # 4. Convert it: an approved, protected registration whose source is the lead.
    convert = page.get_by_test_id("lead-convert")
    convert.get_by_label("顧客ドメイン").fill("naniwa-seiko.example.jp")
    convert.get_by_label("受注予定日").fill((date.today() + timedelta(days=60)).isoformat())
    convert.get_by_role("button", name="案件を登録する").click()
    page.wait_for_load_state()
    assert "見込み客を案件登録しました" in page.content()
    assert "当社から紹介した見込み客" in page.get_by_test_id("deal-source").inner_text()
    page.screenshot(path=str(SHOTS / "leads-converted.png"), full_page=True)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.deal.status == Deal.Status.APPROVED

    # 5. Activation moved by itself: partner 360 shows the first approved deal.
    page.context.clear_cookies()
    login(manager.email, PASSWORD)
    page.goto(f"{base}/staff/partners/{partner.pk}/")
    after = _first_approved(page)
    assert after != before and "日後" in after
    assert "100%" in page.get_by_test_id("partner-leads").inner_text()  # accepted 1 of 1
    page.screenshot(path=str(SHOTS / "leads-partner-360.png"), full_page=True)
