"""Issue 21 in a real browser, with the Content-Security-Policy enforced and watched: an
inflated win is reviewed and rejected; a narrowed manager saves a campaign and confirms a
wider audience; a manager handles a deletion request. Screenshots (ja and en) go to
var/screenshots/ for review."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_violations(page):
    assert page.evaluate("window.__csp || []") == []


@pytest.fixture
def cast(db):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from partners.models import Membership
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory
    from tests.incentives.factories import ProductFactory, make_tiers

    make_tiers()
    ProductFactory(code="erp", name="クラウドERP", name_en="Cloud ERP")
    member = MembershipFactory(
        partner__name="さくらシステムズ株式会社",
        role=Membership.Role.MEMBER,
        user__language="ja",
        user__email="member@sakura.example",
    ).user
    partner = member.membership.partner
    other = PartnerFactory(name="Northwind Solutions Ltd.")
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    return {"member": member, "partner": partner, "other": other, "manager": manager}


def test_an_inflated_win_is_reviewed_and_the_approved_amount_restored(page, live_server, cast):
    from incentives.models import Deal
    from tests.incentives.factories import DealFactory

    page.add_init_script(WATCH)
    base = live_server.url
    deal = DealFactory(
        partner=cast["partner"],
        approved=True,
        registered_by=cast["member"],
        customer_company="株式会社みなと物流",
        amount=Decimal(1_000_000),
    )
    sign_in(page, base, cast["member"].email)
    page.goto(f"{base}/deals/{deal.pk}/")
    page.check("#close_outcome_0")
    page.fill("#close_amount", "999999999999")
    page.get_by_role("button", name="結果を保存").click()
    page.wait_for_load_state()
    assert "承認済みの金額の3倍" in page.content()  # refused, with the reason
    shot(page, "trust-close-refused-ja")
    page.check("#close_outcome_0")
    page.fill("#close_amount", "2500000")
    page.get_by_role("button", name="結果を保存").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("under-review").is_visible()
    assert "未計上（審査中）" in page.get_by_test_id("deal-counted").inner_text()
    shot(page, "trust-win-under-review-ja")
    no_violations(page)

    sign_in(page, base, cast["manager"].email)
    page.goto(f"{base}/staff/deals/{deal.pk}/")
    assert page.get_by_test_id("re-review").is_visible()
    shot(page, "trust-staff-re-review-ja")
    page.get_by_role("radio", name="却下").check()
    page.fill("#id_reason", "契約書の金額と一致しません。")
    page.get_by_role("button", name="判定を保存").click()
    page.wait_for_load_state()
    no_violations(page)
    deal.refresh_from_db()
    assert (deal.status, deal.amount, deal.counted_amount_jpy) == (Deal.Status.APPROVED, 1_000_000, 1_000_000)

    sign_in(page, base, cast["member"].email)
    page.goto(f"{base}/deals/{deal.pk}/")
    assert "1,000,000 JPY" in page.get_by_test_id("deal-counted").inner_text()
    no_violations(page)


def test_a_narrowed_manager_keeps_hidden_partners_and_confirms_a_wider_audience(page, live_server, cast):
    from promotion.models import Campaign
    from tests.promotion.factories import CampaignFactory

    page.add_init_script(WATCH)
    base = live_server.url
    both = CampaignFactory(name_ja="二社向けキャンペーン", status=Campaign.Status.PUBLISHED)
    both.named_partners.set([cast["partner"], cast["other"]])
    mine = CampaignFactory(name_ja="一社向けキャンペーン", status=Campaign.Status.PUBLISHED)
    mine.named_partners.set([cast["partner"]])
    sign_in(page, base, cast["manager"].email)
    page.goto(f"{base}/admin/promotion/campaign/{both.pk}/change/")
    assert "保存しても保持されます" in page.content()
    shot(page, "trust-admin-hidden-partners-ja")
    page.click("#id_named_partners_remove_all")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert list(both.named_partners.all()) == [cast["other"]]  # kept: no one else sees it
    no_violations(page)

    page.goto(f"{base}/admin/promotion/campaign/{mine.pk}/change/")
    page.click("#id_named_partners_remove_all")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert "これまでより多くのパートナーに表示されます" in page.content()
    assert list(mine.named_partners.all()) == [cast["partner"]]  # not saved yet
    shot(page, "trust-admin-widening-confirm-ja")
    page.check("#id_confirm_audience_widening")  # the form kept the emptied list
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert not mine.named_partners.exists()
    no_violations(page)


def test_a_manager_handles_a_deletion_request(page, live_server, cast):
    from incentives.models import Deal
    from tests.incentives.factories import DealFactory

    page.add_init_script(WATCH)
    base = live_server.url
    deal = DealFactory(
        partner=cast["partner"],
        contact_name="港 一郎",
        contact_email="ichiro@minato.example.jp",
        customer_company="株式会社みなと物流",
    )
    sign_in(page, base, cast["manager"].email)
    from prm.models import User

    for language in ("en", "ja"):
        User.objects.filter(pk=cast["manager"].pk).update(language=language)
        page.goto(f"{base}/staff/privacy/")
        shot(page, f"trust-privacy-requests-{language}")
    page.goto(f"{base}/staff/privacy/requests/new/")
    page.select_option("#id_kind", "deletion")
    page.fill("#id_received_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#id_subject_name", "港 一郎")
    page.fill("#id_subject_email", "ichiro@minato.example.jp")
    page.fill("#id_requester_name", "港 一郎")
    page.fill("#id_details", "登録されている私の連絡先を消去してください。")
    shot(page, "trust-privacy-request-form-ja")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("due").is_visible()
    page.select_option("#id_status", "in_progress")
    page.fill("#id_identity_method", "登録のメールアドレスからの返信で確認")
    page.get_by_role("button", name="ステータスを変更").click()
    page.wait_for_load_state()
    page.check(f"#erase-deals-{deal.pk}")
    shot(page, "trust-privacy-request-detail-ja")
    page.get_by_role("button", name="選択した記録を匿名化").click()
    page.wait_for_load_state()
    no_violations(page)
    assert Deal.objects.get(pk=deal.pk).contacts_anonymised_at is not None
    page.goto(f"{base}/staff/privacy/provisions/")
    page.goto(f"{base}/staff/privacy/exports/")
    page.select_option("#id_partner", str(cast["partner"].pk))
    page.get_by_role("button", name="エクスポートを開始").click()
    page.wait_for_load_state()
    shot(page, "trust-privacy-exports-ja")
    assert page.get_by_role("link", name="ダウンロード").count() == 1
    no_violations(page)
