"""Issue 29's single sign-on in Chromium, through the real redirects to real identity
providers running as processes (tests/sso/idps.py): a staff member whose IdP asserted a
second factor signs in over OpenID Connect without the portal's own code; a partner's
member signs in over SAML 2.0. The Content-Security-Policy (form-action included, which
Chromium applies to every redirect after a form) must let both through without a report.
The refusals are test-client tests in tests/sso/."""

from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from tests.sso.fixtures import IDP_PASSWORDS, MEMBER_EMAIL, STAFF_EMAIL, verified_user

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
