"""The partner lifecycle in a real browser: approve -> plan -> complete -> active (directory,
selling-stage recommendations) -> suspended page -> reactivated."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def admin_action(page, live_server, partner, action):
    page.goto(f"{live_server.url}/admin/partners/partner/")
    page.check(f"input[name=_selected_action][value='{partner.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()


def test_approve_onboard_activate_suspend_reactivate(page, live_server, settings):
    from content.models import Asset
    from onboarding.models import OnboardingPlan
    from partners.models import Membership, Partner
    from prm.models import CHANNEL_MANAGERS
    from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory
    from tests.partners.factories import ApplicationFactory

    settings.SITE_URL = live_server.url
    manager = UserFactory(email="manager@example.test", is_staff=True, display_name="佐藤 美咲")
    manager.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    template = ChecklistTemplateFactory(partner_type="sales", target_days=60)
    TemplateTaskFactory(
        template=template, position=1, title="キックオフ面談", kind="signoff", due_offset_days=7
    )
    now = timezone.now()
    Asset.objects.create(
        title="はじめてのオンボーディング", stages=["onboarding"], status="published", published_at=now
    )
    Asset.objects.create(
        title="提案書テンプレート集", stages=["selling"], status="published", published_at=now
    )
    application = ApplicationFactory(company_name="やまびこ商事株式会社", partner_type="sales")

    # 1. The channel manager approves the application: the 60-day plan starts.
    sign_in(page, live_server, "manager@example.test")
    page.goto(f"{live_server.url}/staff/recruitment/{application.pk}/")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state()
    partner = Partner.objects.get(name="やまびこ商事株式会社")
    plan = OnboardingPlan.objects.get(partner=partner)
    assert partner.status == Partner.Status.ONBOARDING and plan.status == OnboardingPlan.Status.RUNNING
    Partner.objects.filter(pk=partner.pk).update(directory_listed=True)
    admin = UserFactory(email="yamabiko@example.test", display_name="山彦 一郎")
    Membership.objects.create(user=admin, partner=partner, role=Membership.Role.ADMIN)

    # The partner is onboarding: onboarding content, not in the public directory yet.
    sign_in(page, live_server, "yamabiko@example.test")
    assert "はじめてのオンボーディング" in page.get_by_test_id("content-panel").inner_text()
    page.goto(f"{live_server.url}/partners/")
    assert "やまびこ商事株式会社" not in page.locator("main").inner_text()

    # 2. The manager signs off the last task: the plan completes and the partner is active.
    sign_in(page, live_server, "manager@example.test")
    page.goto(f"{live_server.url}/staff/onboarding/plans/{plan.pk}/")
    page.locator("form:has(input[name=action][value=signoff]) button[type=submit]").click()
    page.wait_for_load_state()
    partner.refresh_from_db()
    assert partner.status == Partner.Status.ACTIVE and partner.stage == "selling"

    # 3. Active: listed in the directory, selling-stage recommendations on the home page.
    # (The public directory may lag a minute, the cache policy's "may lag" kind: a minute later.)
    cache.clear()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/partners/")
    assert "やまびこ商事株式会社" in page.locator("main").inner_text()
    sign_in(page, live_server, "yamabiko@example.test")
    panel = page.get_by_test_id("content-panel").inner_text()
    assert "提案書テンプレート集" in panel

    # 4. Suspended through the admin action: members see the suspended page, not the portal.
    sign_in(page, live_server, "root@example.test")
    admin_action(page, live_server, partner, "suspend")
    assert Partner.objects.get(pk=partner.pk).status == Partner.Status.SUSPENDED
    sign_in(page, live_server, "yamabiko@example.test")
    assert page.get_by_test_id("partner-suspended").is_visible()
    page.goto(f"{live_server.url}/deals/")
    assert page.get_by_test_id("partner-suspended").is_visible()

    # 5. Reactivated: the portal is back, with the data kept.
    sign_in(page, live_server, "root@example.test")
    admin_action(page, live_server, partner, "reactivate")
    sign_in(page, live_server, "yamabiko@example.test")
    assert page.get_by_test_id("partner-suspended").count() == 0
    assert "提案書テンプレート集" in page.get_by_test_id("content-panel").inner_text()
