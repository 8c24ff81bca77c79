"""Recruitment end to end: referral link -> application -> approval -> invitation -> sign-up."""

import re

import pytest
from django.contrib.auth.models import Group

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_referred_company_applies_is_approved_and_its_admin_signs_up(page, live_server, settings):
    from django.core import mail
    from django.core.cache import cache

    from partners.models import Application, Membership, ReferralLink, Source
    from partners.views import rate_limit_key
    from prm.models import CHANNEL_MANAGERS
    from tests.partners.factories import CapabilityFactory, IdealProfileFactory, IndustryFactory

    cache.delete(rate_limit_key("127.0.0.1"))  # the per-IP apply limit lives in Redis
    settings.SITE_URL = live_server.url
    manager = UserFactory(email="manager@example.test", is_staff=True, display_name="佐藤 美咲")
    manager.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    ReferralLink.objects.create(code="sato-misaki", user=manager)
    retail = IndustryFactory(code="retail", name_ja="小売・流通")
    CapabilityFactory(code="resale", name_ja="販売・再販")
    IdealProfileFactory(name="国内販売", partner_type="sales", countries=["JP"])

    # 1. A prospect follows the manager's referral link and applies.
    page.goto(f"{live_server.url}/r/sato-misaki/")
    assert page.url == f"{live_server.url}/apply/"
    assert "佐藤 美咲" in page.get_by_test_id("referral-note").inner_text()
    page.fill("#id_company_name", "はやぶさ販売株式会社")
    page.fill("#id_website", "https://www.hayabusa-sales.example.jp")
    page.select_option("#id_company_size", "2")
    page.check(f"input[name=industries][value='{retail.pk}']")
    page.check("input[name=partner_type][value=sales]")
    page.fill("#id_contact_name", "隼 太郎")
    page.fill("#id_contact_email", "taro@hayabusa-sales.example.jp")
    page.check("#id_consent")
    page.click("form[data-testid=apply-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("apply-thanks").is_visible()
    application = Application.objects.get()
    assert application.source == Source.REFERRAL and application.referral_link.code == "sato-misaki"
    assert application.fit_score == 100
    assert mail.outbox[-1].to == ["taro@hayabusa-sales.example.jp"]

    # 2. The channel manager approves it.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "manager@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")  # not the language buttons in the navbar
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/staff/recruitment/")
    page.get_by_role("link", name="はやぶさ販売株式会社").click()
    page.get_by_test_id("approve").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "承認済み"  # glossary: one translation of "Approved"
    invitation_mail = mail.outbox[-1]
    assert invitation_mail.to == ["taro@hayabusa-sales.example.jp"]
    accept_url = re.search(r"http://\S+/team/accept/[\w-]+/", invitation_mail.body).group(0)

    # 3. The applicant (a new browser session) accepts and signs up with the invited address.
    page.context.clear_cookies()
    page.goto(accept_url)
    page.get_by_test_id("accept-invitation").click()
    page.wait_for_load_state()
    assert "/accounts/signup/" in page.url
    assert page.input_value("input[name=email]") == "taro@hayabusa-sales.example.jp"
    page.fill("input[name=password1]", "Hayabusa-pass-2026")
    page.fill("input[name=password2]", "Hayabusa-pass-2026")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.get_by_test_id("accept-invitation").click()
    page.wait_for_load_state()

    # 4. They are the admin of their new company and see it on the home page.
    assert page.get_by_test_id("company-name").inner_text() == "はやぶさ販売株式会社"
    membership = Membership.objects.get(user__email="taro@hayabusa-sales.example.jp")
    assert membership.role == Membership.Role.ADMIN
    page.goto(f"{live_server.url}/team/")
    assert "taro@hayabusa-sales.example.jp" in page.get_by_test_id("members").inner_text()
