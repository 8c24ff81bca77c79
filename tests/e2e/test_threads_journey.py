"""A partner asks, support answers, the partner reads the answer and the badge clears."""

import pytest
from django.contrib.auth.models import Group

from prm.models import SUPPORT
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_load_state()


def test_partner_question_answered_by_support(browser, live_server):
    partner_user = MembershipFactory(partner__name="さくらシステムズ株式会社", user__language="ja").user
    support = UserFactory(is_staff=True, language="en", display_name="Hanako Suzuki")
    # get_or_create: an earlier transactional test may have flushed the migration-made groups.
    support.groups.add(Group.objects.get_or_create(name=SUPPORT)[0])
    base = live_server.url

    partner = browser.new_context().new_page()
    sign_in(partner, base, partner_user.email)
    partner.goto(f"{base}/questions/new/?category=deals")
    partner.fill("#id_subject", "案件登録の保護期間について")
    assert partner.locator("#id_category").input_value() == "deals"
    partner.fill("#id_body", "保護期間は**いつから**始まりますか？")
    partner.get_by_test_id("send-question").click()
    partner.wait_for_load_state()
    assert "/questions/" in partner.url
    assert partner.locator(".message-body strong").inner_text() == "いつから"
    assert partner.locator("[data-badge=questions]").count() == 0

    staff = browser.new_context().new_page()
    sign_in(staff, base, support.email)
    staff.goto(f"{base}/staff/questions/")
    staff.get_by_role("link", name="案件登録の保護期間について").click()
    staff.wait_for_load_state()
    assert staff.locator("input[name=kind][value=public]").is_checked()
    staff.fill("#id_body", "承認日から **90日間** です。")
    staff.get_by_test_id("send-reply").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-message-kind=public]").count() == 2

    partner.goto(f"{base}/questions/")
    badge = partner.locator("[data-badge=questions]")
    assert badge.is_visible() and badge.inner_text().startswith("1")
    partner.get_by_role("link", name="案件登録の保護期間について").click()
    partner.wait_for_load_state()
    assert "90日間" in partner.locator("[data-message-kind=public]").last.inner_text()
    assert partner.locator("[data-badge=questions]").count() == 0
    partner.goto(f"{base}/questions/")
    assert partner.locator("[data-badge=questions]").count() == 0
