"""Issue 29's single sign-on in Chromium, through the real redirects to real identity
providers running as processes (tests/sso/idps.py): a staff member whose IdP asserted a
second factor signs in over OpenID Connect without the portal's own code; a partner's
member signs in over SAML 2.0. The Content-Security-Policy (form-action included, which
Chromium applies to every redirect after a form) must let both through without a report.
Then the refusals, in the same browser through the same real redirects: an unknown domain,
an OpenID Connect token for another audience and an expired one, a SAML response for
another audience and an expired one, and each protocol's answer replayed after signing
out; each is told plainly (in Japanese, the default) and nobody is signed in. tests/sso/ has the same cases through
Django's test client, and the invitation and membership cases."""

import html
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp
from django.utils import timezone

from tests.sso.fixtures import IDP_PASSWORDS, MEMBER_EMAIL, STAFF_EMAIL, as_another_sp, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def company_sign_in(page, base, email, csp_reports):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_sso_email", email)
    page.click("form.sso-company-sign-in button[type=submit]")
    page.wait_for_selector("#idp-username")
    page.fill("#idp-username", email)
    page.fill("#idp-password", IDP_PASSWORDS[email])
    page.click("#idp-submit")
    page.wait_for_url(f"{base}/**")
    page.wait_for_load_state()
    assert csp_reports == []


def signed_out(page):
    """A fresh browser: no session, the portal's default language (Japanese)."""
    page.context.clear_cookies()


def assert_refused(page, base, words):
    assert words in page.content(), page.content()[-3000:]
    page.goto(f"{base}/staff/")
    assert "/accounts/login/" in page.url  # nobody is signed in


def post_again(page, url, body):
    """Replay a captured form post (the IdP's answer) from a page of the attacker's own."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in parse_qsl(body)
    )
    page.set_content(f'<form method="post" action="{html.escape(url)}">{inputs}</form>')
    with page.expect_navigation():
        page.eval_on_selector("form", "form => form.submit()")


def test_staff_over_oidc_and_a_partner_member_over_saml(
    page, live_server, world, oidc_app, saml_app, settings
):
    settings.PRM_STAFF_MFA_REQUIRED = True
    csp_reports: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_reports.append(m.text))
    oidc_app(trust_mfa=True)
    saml_app(world.partner_a)
    staff = verified_user(world.manager_a, STAFF_EMAIL)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    verified_user(world.member_a, MEMBER_EMAIL)

    company_sign_in(page, live_server.url, STAFF_EMAIL, csp_reports)
    assert "/accounts/2fa/" not in page.url
    page.goto(f"{live_server.url}/staff/")
    assert page.url == f"{live_server.url}/staff/"  # no detour to the two-factor pages

    company_sign_in(page, live_server.url, MEMBER_EMAIL, csp_reports)
    assert "/accounts/" not in page.url, page.content()[-2000:]
    assert world.partner_a.name in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sso-partner-home.png"), full_page=True)


def test_each_refusal_is_told_in_the_browser(page, live_server, world, oidc_app, saml_app):
    base = live_server.url
    oidc = oidc_app(trust_mfa=True)
    saml_app(world.partner_a)
    verified_user(world.manager_a, STAFF_EMAIL)
    verified_user(world.member_a, MEMBER_EMAIL)
    answers: list[tuple[str, str, str]] = []  # (method, url, form body) of every answer to the portal
    page.on(
        "request",
        lambda r: (
            ("/login/callback/" in r.url or "/acs/" in r.url)
            and answers.append((r.method, r.url, r.post_data or ""))
        ),
    )

    # An unknown domain: the sign-in form says which domain it does not know.
    signed_out(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_sso_email", "someone@unknown.example")
    page.click("form.sso-company-sign-in button[type=submit]")
    assert "@unknown.example には会社アカウントでのサインインが設定されていません" in page.content()

    # OpenID Connect: the IdP's token names another audience, then it has expired.
    for client_id, words in (("wrong-audience", "オーディエンス不一致"), ("expired", "有効期限が切れていた")):
        SocialApp.objects.filter(pk=oidc.pk).update(client_id=client_id, secret=client_id)
        signed_out(page)
        company_sign_in(page, base, STAFF_EMAIL, [])
        assert_refused(page, base, words)
    SocialApp.objects.filter(pk=oidc.pk).update(client_id="portal", secret="portal")

    # OpenID Connect: a good answer, then the same callback opened again after signing out.
    answers.clear()
    signed_out(page)
    company_sign_in(page, base, STAFF_EMAIL, [])
    callback = next(url for method, url, _body in answers if method == "GET")
    signed_out(page)
    page.goto(callback)
    assert_refused(page, base, "使用済み")

    # SAML: the IdP answers a request re-issued for another application (audience). The
    # portal's redirect to the IdP is rewritten on its way (Playwright routes only see the
    # first request of a redirect chain, so the portal's answer is fetched and changed).
    def another_audience(route):
        response = route.fetch(max_redirects=0)
        location = as_another_sp(response.headers["location"])
        route.fulfill(status=302, headers={**response.headers, "location": location})

    signed_out(page)
    page.route(f"{base}/accounts/sso/", another_audience)
    company_sign_in(page, base, MEMBER_EMAIL, [])
    assert_refused(page, base, "オーディエンス不一致")
    page.unroute(f"{base}/accounts/sso/")

    # SAML: the answer reaches the portal an hour late (assertions live five minutes). Only
    # the portal's clock moves (time-machine leaves the monotonic clock Playwright waits on).
    signed_out(page)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        company_sign_in(page, base, MEMBER_EMAIL, [])
        assert "有効期限が切れていた" in page.content(), page.content()[-3000:]
    page.goto(f"{base}/staff/")
    assert "/accounts/login/" in page.url

    # SAML: a good answer, then the same response posted again after signing out.
    answers.clear()
    signed_out(page)
    company_sign_in(page, base, MEMBER_EMAIL, [])
    assert world.partner_a.name in page.content()
    _method, acs, body = next(a for a in answers if a[0] == "POST")
    signed_out(page)
    post_again(page, acs, body)
    assert_refused(page, base, "使用済み")
