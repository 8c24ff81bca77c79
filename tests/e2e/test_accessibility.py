"""WCAG 2.2 AA (JIS X 8341-3) in the browser: axe-core finds no violation on any page.

The pages are derived, not listed, so that a page another lane adds is checked as soon as
it has its matrix row:
- every row of the URL-by-role matrix (tests/<app>/tenancy_rows.py) that answers a role
  with an HTML page (a GET, or a POST that renders its form again with the errors), for
  every role of the matrix, in Japanese and English;
- the demo data (`seed_demo`), crawled from the navigation as each demo login, every page
  kind once per language: the same pages full of real-looking data (charts, long tables,
  badges, pagination);
- the admin's index, changelists, add and change forms of every model a channel manager
  may use (tests/prm/admin_rows.py, expectations from the admin matrix);
- the error pages (404, 403, 500, suspended partner, no partner) and the account pages
  (sign-in, invitation sign-up, e-mail verification, password reset, two-factor set-up and
  the two-factor sign-in step).

One browser, one context per role and language, pages in sequence. Run it alone with
`.venv/bin/python -m pytest tests/e2e/test_accessibility.py`; the tables are printed at
the end of the run and written to test-results/accessibility.txt (tests/e2e/conftest.py).
"""

import io
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from tests.e2e import axe
from tests.tenancy import ROLES
from tests.test_tenancy import ROWS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Answers that are files or data, never pages.
NOT_PAGES = ("format=", "export=")


class Visitor:
    """One signed-in (or anonymous) browser context in one language, checking pages."""

    def __init__(self, browser, base, report, *, role, language, user=None):
        self.base, self.report, self.role, self.language = base, report, role, language
        self.context = axe.new_context(browser, language=language)
        self.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        if user is not None:
            client = Client()
            client.force_login(user)
            self.context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
            )
        self.page = self.context.new_page()

    def close(self):
        self.context.close()

    def open(self, url, *, post=None):
        """The response, or None when the URL answers with a download."""
        started = time.monotonic()
        try:
            response = self.page.goto(self.base + url) if post is None else self._post(url, post)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                return None  # a file served as an attachment: not a page
            raise
        self.report.load_seconds += time.monotonic() - started
        return response

    def _post(self, url, data):
        """POST as the form would (Playwright navigates with GET: rewrite the request)."""
        from urllib.parse import urlencode

        if not any(c["name"] == "csrftoken" for c in self.context.cookies()):
            self.page.goto(self.base + reverse("account_login"))
        token = next(c["value"] for c in self.context.cookies() if c["name"] == "csrftoken")
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)

        def as_post(route):
            headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded"}
            route.continue_(method="POST", post_data=body, headers=headers)

        self.page.route(self.base + url, as_post)
        try:
            return self.page.goto(self.base + url)
        finally:
            self.page.unroute(self.base + url)

    def check(self, label, response=None) -> bool:
        """axe on the page now shown, if it is a whole HTML document. False: not a page."""
        if response is not None:
            content_type = response.headers.get("content-type", "")
            if "text/html" not in content_type or not response.text().lstrip()[:15].lower().startswith(
                "<!doctype"
            ):
                return False  # a file, an image, an htmx fragment (checked inside its page)
        started = time.monotonic()
        found = axe.check(self.page)
        self.report.axe_seconds += time.monotonic() - started
        self.report.add(label, self.role, self.language, found)
        return True

    def check_each(self, pages, problems):
        """(label, url, expected status) in turn: checked, or a problem if the status differs."""
        for label, url, status in pages:
            response = self.open(url)
            if response.status != status:
                problems.append(f"{self.role} {url}: {response.status}, want {status}")
                continue
            self.check(label, response)


def _set_language(users, language):
    from prm.models import User

    User.objects.filter(pk__in=[u.pk for u in users]).update(language=language)


def _finish(report, started, problems):
    report.seconds = time.monotonic() - started
    assert not problems, "\n".join(problems)
    assert report.checked, "no page was checked"
    assert report.failures == 0, "\n".join(report.details)


class RowData:
    """Builds each row's data once in the shared world (several rows seed the same data)."""

    def __init__(self, world):
        self.world = world
        self.built = {}

    def kwargs(self, row):
        if row.kwargs not in self.built:
            try:
                self.built[row.kwargs] = row.kwargs(self.world)
            except IntegrityError:
                self.built[row.kwargs] = None
        return self.built[row.kwargs]


def test_every_page_of_the_matrix_for_every_role_and_language(browser, live_server, world):
    report = axe.Report("Portal pages (URL-by-role matrix)")
    axe.REPORTS.append(report)
    data, problems, skipped = RowData(world), [], set()
    started = time.monotonic()
    for language in axe.LANGUAGES:
        _set_language([world.user(r) for r in ROLES if r != "anon"], language)
        for role in ROLES:
            visitor = Visitor(
                browser, live_server.url, report, role=role, language=language, user=world.user(role)
            )
            for row in ROWS:
                if row.expect.get(role) != 200 or any(m in row.query for m in NOT_PAGES):
                    continue
                kwargs = data.kwargs(row)
                if kwargs is None:
                    skipped.add(row.name)
                    continue
                url = reverse(row.name, kwargs=kwargs) + row.query
                post = dict(row.data(world).items()) if row.method == "post" else None
                response = visitor.open(url, post=post)
                if response is None:
                    continue
                if response.status != 200:
                    problems.append(f"{role} {row.method} {url}: {response.status}, the matrix says 200")
                    continue
                visitor.check(row.name + row.query + (" (POST)" if post is not None else ""), response)
            visitor.close()
    assert len(skipped) <= 3, skipped
    _finish(report, started, problems)


# The demo logins (README), the order in which they crawl: every page kind is checked once
# per language, by the first login that reaches it, and each login's home page always.
DEMO_LOGINS = [
    ("anon", None),
    ("onboarding@", "onboarding@example.com"),
    ("partner@", "partner@example.com"),
    ("member@", "member@example.com"),
    ("other@", "other@example.com"),
    ("manager@", "manager@example.com"),
    ("manager2@", "manager2@example.com"),
    ("support@", "support@example.com"),
    ("finance@", "finance@example.com"),
]
ANON_STARTS = ["/", "/apply/", "/partners/", "/overview/", "/accounts/login/"]
# Not crawled: the admin (its own test below), sign-out and the account pages (below).
CRAWL_SKIP = ("/admin/", "/accounts/", "/static/", "/media/")
CRAWL_LIMIT = 250  # page kinds per language: a guard against a crawl that never ends


def _page_kind(url) -> tuple | None:
    parts = urlsplit(url)
    if any(parts.path.startswith(prefix) for prefix in CRAWL_SKIP):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = {key for key, _ in parse_qsl(parts.query)}
    if keys & {"format", "export"}:
        return None
    # A page with and without a query (filtered, sorted, paged): two kinds, not one per filter.
    return (match.view_name, "?…" if keys else "")


def test_the_demo_data_reached_from_the_navigation(browser, live_server):
    from prm.models import User

    call_command("seed_demo", stdout=io.StringIO())
    report = axe.Report("Demo data (crawled from the navigation)")
    axe.REPORTS.append(report)
    started, problems = time.monotonic(), []
    users = {email: User.objects.get(email=email) for _, email in DEMO_LOGINS if email}
    for language in axe.LANGUAGES:
        _set_language(users.values(), language)
        seen = set()
        for who, email in DEMO_LOGINS:
            visitor = Visitor(
                browser, live_server.url, report, role=who, language=language, user=users.get(email)
            )
            queue = list(ANON_STARTS if email is None else ["/"])
            first = True
            while queue and len(seen) < CRAWL_LIMIT:
                url = queue.pop(0)
                kind = _page_kind(url)
                if kind is None or (kind in seen and not first):
                    continue
                seen.add(kind)
                response = visitor.open(url)
                first = False
                if response is None or urlsplit(visitor.page.url).netloc != urlsplit(live_server.url).netloc:
                    continue
                if response.status >= 400:
                    problems.append(f"{who} {url}: {response.status} (linked from the portal)")
                    continue
                if not visitor.check(kind[0] + kind[1], response):
                    continue
                links = visitor.page.eval_on_selector_all(
                    "a[href]", "els => els.map((a) => a.href.split('#')[0])"
                )
                origin = live_server.url
                queue += [link[len(origin) :] for link in links if link.startswith(origin + "/")]
            visitor.close()
    _finish(report, started, problems)


def test_the_admin_pages_a_channel_manager_uses(browser, live_server, world):
    from django.apps import apps
    from django.contrib import admin

    from tests.prm.admin_rows import ROWS as ADMIN_ROWS
    from tests.prm.test_admin_tenancy import expected

    report = axe.Report("Admin pages (channel manager)")
    axe.REPORTS.append(report)
    started, problems = time.monotonic(), []
    pages = [("admin:index", reverse("admin:index"))]
    for label in sorted(ADMIN_ROWS):
        model = apps.get_model(label)
        model_admin = admin.site._registry[model]
        try:
            with transaction.atomic():
                obj = ADMIN_ROWS[label].make(world)
        except IntegrityError:  # made already by another row's set-up in this one world
            obj = model._default_manager.order_by("pk").first()
        if obj is None:
            problems.append(f"{label}: its admin row could not make an object here")
            continue
        app_label, model_name = label.split(".")
        for view, args in (("changelist", []), ("add", []), ("change", [obj.pk])):
            if expected("manager_a", view, label, model_admin, obj, world) == 200:
                pages.append(
                    (f"admin:{label} {view}", reverse(f"admin:{app_label}_{model_name}_{view}", args=args))
                )
    for app_label in sorted({label.split(".")[0] for label in ADMIN_ROWS}):
        pages.append((f"admin:app_list {app_label}", reverse("admin:app_list", args=[app_label])))
    for language in axe.LANGUAGES:
        _set_language([world.manager_a], language)
        visitor = Visitor(
            browser, live_server.url, report, role="manager_a", language=language, user=world.manager_a
        )
        for label, url in pages:
            response = visitor.open(url)
            if response.status == 404 and label.startswith("admin:app_list"):
                continue  # an app with no model this manager may see
            if response.status != 200:
                problems.append(f"manager_a {url}: {response.status}")
                continue
            visitor.check(label, response)
        visitor.close()
    _finish(report, started, problems)


def _account_fixtures(world):
    """Users and keys for the account pages: an unverified address, a reset key, TOTP."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from partners.services import partner_suspend
    from tests.factories import MembershipFactory, UserFactory
    from tests.partners.factories import InvitationFactory

    unverified = EmailAddress.objects.create(
        user=world.member_a, email="new-address@example.test", verified=False
    )
    key = EmailConfirmationHMAC(unverified).key
    reset = f"{user_pk_to_url_str(world.admin_b)}-{default_token_generator.make_token(world.admin_b)}"
    totp_user = UserFactory(email="totp@example.test")
    TOTP.activate(totp_user, generate_totp_secret())
    RecoveryCodes.activate(totp_user)
    suspended = MembershipFactory(partner__name="Suspended Co", user__email="suspended@example.test")
    partner_suspend(partner=suspended.partner, actor=world.superuser, reason="test")
    InvitationFactory(partner=world.partner_a, email="invitee@example.test", token="a11y-invitation")
    return {
        "confirm_key": key,
        "reset": reset,
        "totp_user": totp_user,
        "suspended": suspended.user,
        "no_partner": UserFactory(email="nobody@example.test"),
        "invitation": "a11y-invitation",
    }


def test_error_and_account_pages(browser, live_server, world, settings):
    from tests.factories import PASSWORD

    settings.ROOT_URLCONF = "tests.e2e.urls_with_500"
    report = axe.Report("Error and account pages")
    axe.REPORTS.append(report)
    started, problems = time.monotonic(), []
    made = _account_fixtures(world)
    uidb36, _, key = made["reset"].partition("-")
    anon_pages = [
        ("404", "/no-such-page/", 404),
        ("500", "/__a11y_500__/", 500),
        ("account_login", reverse("account_login"), 200),
        ("account_reset_password", reverse("account_reset_password"), 200),
        ("account_reset_password_done", reverse("account_reset_password_done"), 200),
        (
            "account_reset_password_from_key",
            reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key}),
            200,
        ),
        ("account_reset_password_from_key_done", reverse("account_reset_password_from_key_done"), 200),
        ("account_email_verification_sent", reverse("account_email_verification_sent"), 200),
        ("account_confirm_email", reverse("account_confirm_email", args=[made["confirm_key"]]), 200),
        ("account_inactive", reverse("account_inactive"), 200),
        (
            "account_signup (invitation)",
            reverse("partners:invitation_accept", kwargs={"token": made["invitation"]}),
            200,
        ),
    ]
    signed_in_pages = [
        ("403", reverse("staff_home"), 403),
        ("404 (signed in)", "/no-such-page/", 404),
        ("account_email", reverse("account_email"), 200),
        ("account_change_password", reverse("account_change_password"), 200),
        ("account_reauthenticate", reverse("account_reauthenticate"), 200),
        ("account_logout", reverse("account_logout"), 200),
        ("mfa_index", reverse("mfa_index"), 200),
        ("mfa_activate_totp", reverse("mfa_activate_totp"), 200),
    ]
    for language in axe.LANGUAGES:
        users = [world.member_a, made["totp_user"], made["suspended"], made["no_partner"]]
        _set_language(users, language)
        anon = Visitor(browser, live_server.url, report, role="anon", language=language)
        anon.check_each(anon_pages, problems)
        # The two-factor step of signing in, reached through the real form.
        anon.context.clear_cookies()
        anon.open(reverse("account_login"))
        anon.page.fill("input[name=login]", made["totp_user"].email)
        anon.page.fill("input[name=password]", PASSWORD)
        anon.page.locator("form:has(input[name=login]) button[type=submit]").click()
        anon.page.wait_for_url("**/2fa/authenticate/")
        anon.check("mfa_authenticate")
        anon.close()

        member = Visitor(
            browser, live_server.url, report, role="member_a", language=language, user=world.member_a
        )
        member.check_each(signed_in_pages, problems)
        member.close()
        totp = Visitor(
            browser, live_server.url, report, role="totp user", language=language, user=made["totp_user"]
        )
        totp_pages = ("mfa_index", "mfa_view_recovery_codes", "mfa_deactivate_totp", "mfa_reauthenticate")
        totp.check_each([(f"{name} (TOTP on)", reverse(name), 200) for name in totp_pages], problems)
        totp.close()
        for role, user in (("suspended", made["suspended"]), ("no partner", made["no_partner"])):
            visitor = Visitor(browser, live_server.url, report, role=role, language=language, user=user)
            response = visitor.open("/")
            visitor.check(f"home ({role}, {response.status})", response)
            visitor.close()
    _finish(report, started, problems)
