"""OpenID Connect against a real provider (django-oauth-toolkit, its own process): the
portal's side through Django's test client, the browser's side through requests."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount

from prm.models import AuditEvent
from tests.sso.fixtures import (
    MEMBER_EMAIL,
    PORTAL,
    STAFF_EMAIL,
    STRANGER_EMAIL,
    refused,
    sign_in_at_idp,
    start_company_sign_in,
    verified_user,
)

TOTP = {"secret": "JBSWY3DPEHPK3PXP"}


def finish(client, email):
    callback = sign_in_at_idp(start_company_sign_in(client, email), email, PORTAL)
    return client.get(callback.removeprefix(PORTAL)), callback


@pytest.mark.django_db
def test_staff_idps_mfa_replaces_totp_and_the_link_is_audited(client, world, oidc_app, settings):
    settings.PRM_STAFF_MFA_REQUIRED = True
    oidc_app(trust_mfa=True)
    staff = verified_user(world.manager_a, STAFF_EMAIL)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data=TOTP)
    response, _callback = finish(client, STAFF_EMAIL)
    assert response.status_code == 302 and "mfa" not in response["Location"], response["Location"]
    assert client.get("/staff/").status_code == 200
    assert SocialAccount.objects.get(user=staff).provider == "vendor-idp"
    assert AuditEvent.objects.filter(action="sso.linked", target_id=str(staff.pk)).exists()


@pytest.mark.django_db
def test_without_trust_the_portal_still_asks_for_its_own_code(client, world, oidc_app, settings):
    settings.PRM_STAFF_MFA_REQUIRED = True
    oidc_app(trust_mfa=False)
    staff = verified_user(world.manager_a, STAFF_EMAIL)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data=TOTP)
    response, _callback = finish(client, STAFF_EMAIL)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_replayed_callback_is_refused(client, world, oidc_app, settings):
    oidc_app()
    verified_user(world.manager_a, STAFF_EMAIL)
    response, callback = finish(client, STAFF_EMAIL)
    assert response.status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out forgets the language
    refused(client.get(callback.removeprefix(PORTAL)), "already used")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_id", "words"), [("wrong-audience", "wrong audience"), ("expired", "has expired")]
)
def test_a_token_for_another_audience_or_expired_is_refused(client, world, oidc_app, client_id, words):
    oidc_app(client_id=client_id)
    verified_user(world.manager_a, STAFF_EMAIL)
    response, _callback = finish(client, STAFF_EMAIL)
    refused(response, words)


@pytest.mark.django_db
def test_an_unknown_domain_is_told_plainly(client, world, oidc_app):
    oidc_app()
    response = client.post("/accounts/sso/", {"email": "someone@unknown.example"})
    assert response.status_code == 400
    assert "@unknown.example" in response.content.decode()


@pytest.mark.django_db
def test_no_open_sign_up_and_no_reach_outside_the_route(client, world, oidc_app):
    """An address the IdP vouches for but without a portal account is not signed up; a
    partner member on the vendor's staff route (or a partner route of another partner) is
    not let in; nothing is linked."""
    oidc_app(domain="partner-a.example", partner=world.partner_b)
    verified_user(world.member_a, MEMBER_EMAIL)
    response, _callback = finish(client, STRANGER_EMAIL)
    refused(response, f"There is no portal account for {STRANGER_EMAIL}")
    response, _callback = finish(client, MEMBER_EMAIL)
    refused(response, f"There is no portal account for {MEMBER_EMAIL}")
    assert not SocialAccount.objects.exists()
