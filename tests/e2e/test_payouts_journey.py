"""In Japanese, in the browser: the partner admin enters payee details, finance approves them,
builds the month's statement, approves it, produces the 全銀 file, records the transfer, and
the partner downloads the paid statement's notice. Every page passes axe on the way."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e import axe
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def clean(page):
    violations = axe.check(page)
    assert not violations, (page.url, [(v["id"], v["nodes"][:1]) for v in violations])


def test_payee_details_to_paid_statement(browser, live_server):
    from django.contrib.auth.models import Group

    from partners.models import Membership
    from payouts.models import PayeeProfile, Payout, TransferBatch
    from prm.models import FINANCE, User
    from tests.factories import MembershipFactory, UserFactory
    from tests.payouts.helpers import approved_statement

    admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = admin.membership.partner
    finance = UserFactory(email="finance@example.test", is_staff=True, language="ja")
    finance.groups.add(Group.objects.get(name=FINANCE))
    month = timezone.localdate().replace(day=1)
    approved_statement(partner, period=month, amounts=(Decimal(123_456),))
    base = live_server.url

    # 1. The partner's admin enters the payee details, katakana as typed.
    partner_ctx = axe.new_context(browser, language="ja")
    page = partner_ctx.new_page()
    sign_in(page, base, admin.email)
    page.goto(f"{base}/payouts/")
    clean(page)
    with page.expect_navigation():
        page.get_by_role("link", name="支払先情報を入力").click()
    clean(page)
    page.fill("#id_legal_name", "さくらシステムズ株式会社")
    page.fill("#id_registration_number", "T7000012050003")  # a typo in the check digit
    page.fill("#id_bank_code", "0005")
    page.fill("#id_branch_code", "412")
    page.fill("#id_account_number", "1234567")
    page.fill("#id_account_holder_kana", "サクラシステムズ（カ")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.get_by_text("チェックデジットが一致しません").is_visible()
    clean(page)
    page.fill("#id_registration_number", "T7000012050002")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.get_by_text("レビュー待ち").first.is_visible()
    assert PayeeProfile.objects.get().account_holder_kana == "ｻｸﾗｼｽﾃﾑｽﾞ(ｶ"

    # 2. Finance approves the profile, builds the month and approves the statement.
    finance_ctx = axe.new_context(browser, language="ja")
    staff = finance_ctx.new_page()
    sign_in(staff, base, finance.email)
    staff.goto(f"{base}/staff/payouts/payees/")
    clean(staff)
    with staff.expect_navigation():
        staff.get_by_role("button", name="承認").click()
    assert PayeeProfile.objects.get().status == "approved"
    staff.goto(f"{base}/staff/payouts/")
    clean(staff)
    staff.fill("#id_period", month.strftime("%Y-%m"))
    with staff.expect_navigation():
        staff.get_by_role("button", name="支払明細を作成").click()
    with staff.expect_navigation():
        staff.get_by_role("link", name=Payout.objects.get().number).click()
    clean(staff)
    assert staff.get_by_text("135,801").first.is_visible()  # 123,456 + 12,345 (rounded down)
    with staff.expect_navigation():
        staff.get_by_role("button", name="承認して支払通知書を送信").click()
    assert Payout.objects.get().status == "approved"

    # 3. The 全銀 file for today, downloaded; the bank transferred it: record the date.
    staff.goto(f"{base}/staff/payouts/transfers/")
    clean(staff)
    with staff.expect_navigation():
        staff.get_by_role("button", name="全銀ファイルを作成").click()
    clean(staff)
    with staff.expect_download() as download:
        staff.get_by_role("link", name="全銀ファイルをダウンロード").click()
    content = Path(download.value.path()).read_bytes()
    assert content == bytes(TransferBatch.objects.get().content) and len(content) == 4 * 122
    with staff.expect_navigation():
        staff.get_by_role("button", name="支払済みとして記録").click()
    assert Payout.objects.get().status == "paid" and Payout.objects.get().paid_on == timezone.localdate()

    # 4. The partner sees the paid statement and downloads its notice.
    page.goto(f"{base}/payouts/")
    clean(page)
    with page.expect_navigation():
        page.get_by_role("link", name=date.strftime(month, "%Y年%-m月")).click()
    clean(page)
    assert page.get_by_text("支払済み").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="支払通知書 (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    partner_ctx.close()
    finance_ctx.close()

    # 5. The same pages in English pass axe too (the finance pages are no matrix role's).
    payout, batch = Payout.objects.get(), TransferBatch.objects.get()
    pages = {
        admin.email: ["/payouts/", "/payouts/payee/", f"/payouts/{payout.pk}/"],
        finance.email: [
            "/staff/payouts/?status=paid",
            "/staff/payouts/unpaid/",
            "/staff/payouts/unpaid/?source=claims",
            "/staff/payouts/payees/",
            "/staff/payouts/transfers/",
            f"/staff/payouts/transfers/{batch.pk}/",
            f"/staff/payouts/{payout.pk}/",
        ],
    }
    User.objects.filter(email__in=pages).update(language="en")
    for email, urls in pages.items():
        context = axe.new_context(browser, language="en")
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        english = context.new_page()
        sign_in(english, base, email)
        for url in urls:
            english.goto(base + url)
            assert english.locator("html").get_attribute("lang") == "en"
            clean(english)
        context.close()
