"""In Japanese: a partner admin finds MDF from the tier page and requests money for a
seminar linked to a campaign; the channel manager approves part of it; after the seminar the
partner sends the claim with a receipt; the manager approves the claim in part. Every page
with its data is checked by axe-core on the way."""

from decimal import Decimal

import pytest

from tests.e2e import axe
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def accessible(page):
    assert axe.check(page) == [], page.url


def test_mdf_request_and_claim_in_japanese(browser, live_server, tmp_path):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from funds.models import Claim, Fund, FundRequest
    from partners.models import Membership, PartnerType
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.funds.factories import fund_with
    from tests.incentives.factories import make_tiers
    from tests.promotion.factories import CampaignFactory, pdf_bytes

    make_tiers()
    admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社",
        partner__partner_type=PartnerType.DELIVERY,
        role=Membership.Role.ADMIN,
        user__language="ja",
    ).user
    partner = admin.membership.partner
    manager = UserFactory(
        email="manager@example.test", is_staff=True, language="ja", display_name="佐藤 美咲"
    )
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    fund_with(partner, 1_000_000, actor=manager)
    CampaignFactory(name_ja="クラウドERP 春の導入キャンペーン", name_en="Cloud ERP spring")
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(pdf_bytes(1))
    base = live_server.url

    partner_page = axe.new_context(browser, language="ja").new_page()
    staff_page = axe.new_context(browser, language="ja").new_page()

    # 1. The partner admin finds MDF on the tier page and requests money for a seminar.
    page = partner_page
    sign_in(page, base, admin.email)
    page.goto(f"{base}/incentives/")
    with page.expect_navigation():
        page.get_by_role("link", name="マーケティング開発資金（MDF）").click()
    assert page.get_by_test_id("fund-available").inner_text() == "¥1,000,000"
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="資金を申請").first.click()
    accessible(page)
    page.get_by_label("タイトル").fill("クラウドERP導入相談会（名古屋）")
    page.get_by_label("アクティビティの種類").select_option("event")
    page.get_by_label("説明").fill("中堅製造業のお客様30社を招いて導入相談会を共催します。")
    today = __import__("django.utils.timezone", fromlist=["localdate"]).localdate().isoformat()
    page.get_by_label("開始日").fill(today)
    page.get_by_label("終了日").fill(today)
    page.get_by_label("見込み客数（予定）").fill("25")
    page.get_by_label("参加者数（予定）").fill("40")
    page.get_by_label("見込みパイプライン（円）").fill("6000000")
    page.get_by_label("申請額（円）").fill("400000")
    page.get_by_label("キャンペーン").select_option(label="クラウドERP 春の導入キャンペーン")
    with page.expect_navigation():
        page.get_by_role("button", name="申請を送信").click()
    assert "申請を提出しました" in page.content()
    assert "判断待ち" in page.content()
    accessible(page)
    request = FundRequest.objects.get()

    # 2. The channel manager approves 300,000 of the 400,000 yen.
    page = staff_page
    sign_in(page, base, manager.email)
    page.goto(f"{base}/staff/funds/")
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="クラウドERP導入相談会（名古屋）").click()
    accessible(page)
    page.get_by_label("承認", exact=True).check()
    page.get_by_label("承認する金額（円）").fill("300000")
    with page.expect_navigation():
        page.get_by_role("button", name="判断を保存").click()
    assert "判断を保存し、パートナーに通知しました" in page.content()
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("approved", Decimal(300_000))

    # 3. After the seminar the partner sends the claim with the receipt.
    page = partner_page
    page.goto(f"{base}/funds/requests/{request.pk}/")
    assert page.get_by_test_id("approved-amount").inner_text() == "¥300,000"
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="精算を提出").click()
    accessible(page)
    page.get_by_label("実費（円、税抜き）").fill("280000")
    page.get_by_label("参加者数").fill("38")
    page.get_by_label("見込み客数").fill("21")
    page.get_by_label("結果").fill("38名が参加し、21件の見込み客を獲得しました。")
    page.get_by_label("領収書・請求書").set_input_files(str(receipt))
    with page.expect_navigation():
        page.get_by_role("button", name="精算を提出").click()
    assert "精算を提出しました" in page.content()
    assert "領収書.pdf" in page.content()
    accessible(page)

    # 4. The manager approves 250,000 yen of the claim; the rest goes back to the fund.
    page = staff_page
    page.goto(f"{base}/staff/funds/requests/{request.pk}/")
    assert "精算の判断" in page.content()
    accessible(page)
    page.get_by_label("承認", exact=True).check()
    page.get_by_label("承認する金額（円）").fill("250000")
    page.get_by_label("パートナーへのコメント").fill("懇親会の飲食費は対象外のため、一部承認とします。")
    with page.expect_navigation():
        page.get_by_role("button", name="判断を保存").click()
    claim = Claim.objects.get()
    assert (claim.status, claim.approved_amount) == ("approved", Decimal(250_000))
    fund = Fund.objects.get()
    assert (fund.reserved, fund.committed, fund.available) == (0, Decimal(250_000), Decimal(750_000))

    page = partner_page
    page.goto(f"{base}/funds/requests/{request.pk}/")
    assert page.get_by_test_id("claim-approved").inner_text().startswith("¥250,000")
    assert "懇親会の飲食費は対象外" in page.content()
    page.goto(f"{base}/funds/")
    assert page.get_by_test_id("fund-available").inner_text() == "¥750,000"
    accessible(page)
