"""Outbound recruitment in Japanese: a manager adds a prospect and invites it; the link
pre-fills the application; once it is sent the prospect shows 申請済み. axe-core checks each
page on the way (the accessibility crawl checks them too, by their matrix rows)."""

import re

import pytest
from django.contrib.auth.models import Group

from tests.e2e import axe
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_violations(page):
    violations = axe.check(page)
    assert not violations, [(v["id"], v.get("help")) for v in violations]


def test_a_manager_invites_a_prospect_whose_application_arrives_prefilled(browser, live_server, settings):
    from django.core import mail
    from django.core.cache import cache

    from incentives.models import Tier
    from partners.models import Application, Prospect, Source
    from partners.views import rate_limit_key
    from prm.models import CHANNEL_MANAGERS
    from tests.partners.factories import CapabilityFactory, IdealProfileFactory, IndustryFactory

    cache.delete(rate_limit_key("127.0.0.1"))
    settings.SITE_URL = live_server.url
    manager = UserFactory(email="manager@example.test", is_staff=True, display_name="佐藤 美咲")
    manager.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    retail = IndustryFactory(code="retail", name_ja="小売・流通")
    CapabilityFactory(code="resale", name_ja="販売・再販")
    IdealProfileFactory(name="国内販売", partner_type="sales", countries=["JP"])
    context = axe.new_context(browser, language="ja")
    page = context.new_page()

    # 1. The manager adds the prospect.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "manager@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/staff/recruitment/prospects/")
    _no_violations(page)
    page.get_by_test_id("add-prospect").click()
    page.wait_for_load_state()
    _no_violations(page)
    page.fill("#id_name", "はやぶさ販売株式会社")
    page.fill("#id_domain", "https://www.hayabusa-sales.example.jp/")
    page.select_option("#id_partner_type", "sales")
    page.select_option("#id_company_size", "2")
    page.check(f"input[name=industries][value='{retail.pk}']")
    page.click("form[data-testid=prospect-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("stage").inner_text() == "リストアップ"
    assert "ハヤブサハンバイ" in page.content()  # the reading was suggested
    _no_violations(page)

    # 2. ... and invites it to apply.
    page.fill("#id_contact_name", "隼 太郎")
    page.fill("#id_contact_email", "taro@hayabusa-sales.example.jp")
    page.fill("#id_message", "先日の展示会ではありがとうございました。")
    page.get_by_test_id("invite").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("stage").inner_text() == "申請に招待済み"
    invitation = mail.outbox[-1]
    assert (
        invitation.to == ["taro@hayabusa-sales.example.jp"] and "はやぶさ販売株式会社" in invitation.subject
    )
    link = re.search(r"http://\S+/apply/invited/\S+/", invitation.body).group(0)

    # 3. The contact (a new session) opens the link: the form is filled in.
    visitor = axe.new_context(browser, language="ja").new_page()
    visitor.goto(link)
    assert visitor.url == f"{live_server.url}/apply/"
    assert visitor.input_value("#id_company_name") == "はやぶさ販売株式会社"
    assert visitor.input_value("#id_website") == "https://hayabusa-sales.example.jp"
    assert visitor.input_value("#id_contact_email") == "taro@hayabusa-sales.example.jp"
    assert visitor.is_checked(f"input[name=industries][value='{retail.pk}']")
    assert visitor.get_by_test_id("invitation-note").is_visible()
    _no_violations(visitor)
    visitor.check("#id_consent")
    visitor.click("form[data-testid=apply-form] button[type=submit]")
    visitor.wait_for_load_state()
    assert visitor.get_by_test_id("apply-thanks").is_visible()
    application = Application.objects.get()
    assert application.source == Source.OUTBOUND and application.invited_by == manager

    # 4. The manager sees the prospect as applied, linked to its application.
    page.reload()
    assert page.get_by_test_id("stage").inner_text() == "申請済み"
    assert page.get_by_test_id("application-link").is_visible()
    assert Prospect.objects.get().application == application

    # 5. The programme's story and the tiers' benefits on the landing page, in both languages.
    Tier.objects.create(rank=0, name_ja="レジスタード", name_en="Registered", protection_days=30)
    Tier.objects.create(rank=1, name_ja="ゴールド", name_en="Gold", protection_days=90, mdf_budget=2_000_000)
    for language, title in (
        ("ja", "パートナーとして、私たちと一緒に成長しませんか"),
        ("en", "Grow with us as a partner"),
    ):
        landing = axe.new_context(browser, language=language)
        landing.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        home = landing.new_page()
        home.goto(f"{live_server.url}/")
        assert home.get_by_test_id("story-title").inner_text() == title
        assert home.get_by_test_id("tier-benefits").is_visible()
        _no_violations(home)
        landing.close()
    context.close()
