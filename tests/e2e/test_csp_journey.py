"""Every page of the portal renders in a real browser with the Content-Security-Policy
enforced and without a single violation (no inline script, style or handler left).

The pages are the GET rows of the permission matrix (tests/<app>/tenancy_rows.py) that a
partner admin or a channel manager may open, with the same data."""

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.tenancy import ROLES
from tests.test_tenancy import ROWS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _html_rows(role):
    for row in ROWS:
        if row.method != "get" or row.expect.get(role) != 200:
            continue
        if "format=" in row.query or "export=" in row.query:
            continue
        if row.name.endswith(("download", "file", "thumbnail", "attachment", "_file", "csv")):
            continue
        if row.name in ("onboarding:lms_webhook",):
            continue
        yield row


def test_every_page_renders_with_csp_enforced_and_no_violation(page, live_server, world, settings):
    from django.urls import reverse

    assert ROLES  # the matrix's roles: we sign in as two of them
    violations, console = [], []
    page.on(
        "console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.add_init_script(WATCH)
    visited, built, skipped = 0, {}, []
    # The account pages (allauth, with our templates), anonymous and signed in.
    for path in ("/accounts/login/", "/accounts/password/reset/", "/apply/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        violations += [f"anon {path}: {v}" for v in page.evaluate("window.__csp")]
    for role in ("admin_a", "manager_a"):
        client = Client()
        client.force_login(world.user(role))
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        for row in _html_rows(role):
            # Several rows' set-ups seed the same data; in one shared world, build once.
            if row.kwargs not in built:
                try:
                    built[row.kwargs] = row.kwargs(world)
                except IntegrityError:
                    built[row.kwargs] = None
            if built[row.kwargs] is None:
                skipped.append(row.name)
                continue
            url = reverse(row.name, kwargs=built[row.kwargs]) + row.query
            response = page.goto(live_server.url + url)
            assert response is not None
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            assert "content-security-policy" in response.headers, url
            page.wait_for_load_state("load")
            found = page.evaluate("window.__csp")
            violations += [f"{role} {url}: {v}" for v in found]
            visited += 1
        for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            violations += [f"{role} {path}: {v}" for v in page.evaluate("window.__csp")]
    assert visited >= 40, (visited, skipped)
    assert len(skipped) <= 3, skipped
    assert violations == []
    assert console == []


def _cookie_for(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_forms_and_pages_of_issue_21_render_with_csp_and_no_violation(page, live_server, world, settings):
    """The states the first journey does not reach: a refused landing page on the opt-in
    form, the quiz waiting after a failed attempt, the application form with its fixed
    confirmation, a rate-limited tracked link, and the admin pages that show an LMS secret
    once and refuse a javascript: announcement link."""
    from django.urls import reverse

    from onboarding.models import ExternalLMS
    from promotion import services
    from tests.onboarding.factories import CourseFactory, quiz
    from tests.partners.factories import CapabilityFactory, IndustryFactory
    from tests.promotion.factories import CampaignFactory

    violations = []
    page.add_init_script(WATCH)

    def seen(label):
        page.wait_for_load_state("load")
        violations.extend(f"{label}: {v}" for v in page.evaluate("window.__csp"))

    base = live_server.url
    # A partner admin: a refused landing page, then a failed quiz and its waiting page.
    campaign = CampaignFactory()
    course = CourseFactory(slug="csp-course")
    answers = quiz(course, n=2)
    _cookie_for(page, live_server, world.admin_a)
    page.goto(base + reverse("promotion:detail", args=[campaign.pk]))
    page.fill("#landing_url", "javascript:alert(1)")
    page.click("[data-testid=opt-in-form] button[type=submit]")
    seen("opt-in refused")
    assert "https://" in page.content()
    page.goto(base + reverse("onboarding:quiz", args=[course.slug]))
    for _good, bad in answers:
        page.check(f"input[value='{bad.pk}']")
    page.click("main form button[type=submit]")
    seen("quiz failed")
    assert page.locator("[data-testid=quiz-wait]").count() == 1

    # Anyone: the application form, its thanks page, a rate-limited tracked link.
    page.context.clear_cookies()
    retail = IndustryFactory(code="retail")
    CapabilityFactory(code="resale")
    page.goto(base + "/apply/")
    page.fill("#id_company_name", "<script>window.__xss=1</script>")
    page.fill("#id_website", "javascript:alert(1)")
    page.check("#id_consent")
    page.click("form[data-testid=apply-form] button[type=submit]")
    seen("apply refused")
    assert page.locator(".invalid-feedback").count() >= 1
    page.fill("#id_website", "https://www.hayabusa-sales.example.jp")
    page.select_option("#id_company_size", "2")
    page.check(f"input[name=industries][value='{retail.pk}']")
    page.check("input[name=partner_type][value=sales]")
    page.select_option("#id_source", "event")
    page.fill("#id_contact_name", "隼 太郎")
    page.fill("#id_contact_email", "taro@hayabusa-sales.example.jp")
    page.check("#id_consent")
    page.click("form[data-testid=apply-form] button[type=submit]")
    seen("apply thanks")
    assert page.get_by_test_id("apply-thanks").is_visible()
    assert page.evaluate("window.__xss") is None
    settings.PROMOTION_LINK_RATE_LIMIT = (0, 60)
    link = services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    response = page.goto(base + link.tracked_path())
    assert response.status == 429
    seen("tracked link 429")

    # A superuser: a new LMS shows its secret once; a javascript: announcement link is refused.
    _cookie_for(page, live_server, world.superuser)
    page.goto(base + reverse("admin:onboarding_externallms_add"))
    page.fill("#id_name", "CSP Academy")  # the slug is filled in from the name
    page.click("input[name=_save]")
    seen("lms secret")
    assert page.locator("[data-testid=lms-secret]").count() == 1
    assert ExternalLMS.objects.get(name="CSP Academy").secret_fingerprint
    page.goto(base + reverse("admin:promotion_announcement_add"))
    page.fill("#id_title_ja", "お知らせ")
    page.fill("#id_link_url", "javascript:window.__xss=1")
    page.click("input[name=_save]")
    seen("announcement refused")
    assert page.locator(".errorlist").count() >= 1
    assert violations == []
