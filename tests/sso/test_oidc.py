"""OpenID Connect against a real provider (django-oauth-toolkit, its own process): the
portal's side through Django's test client, the browser's side through requests."""

import pytest
from allauth.mfa.models import Authenticator

from tests.sso.conftest import PORTAL, MEMBER_EMAIL, STAFF_EMAIL, sign_in_at_idp, verified_user

pytestmark = pytest.mark.django_db(transaction=False)


def start(client, email):
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def finish(client, email):
    callback = sign_in_at_idp(start(client, email), email, PORTAL)
    return client.get(callback.removeprefix(PORTAL))


def test_staff_signs_in_and_the_idps_mfa_replaces_totp(client, world, oidc_app, settings):
    settings.PRM_STAFF_MFA_REQUIRED = True
    oidc_app()
    staff = verified_user(world.manager_a, STAFF_EMAIL)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    response = finish(client, STAFF_EMAIL)
    assert response.status_code == 302 and "mfa" not in response["Location"], response["Location"]
    assert client.get("/staff/").status_code == 200
