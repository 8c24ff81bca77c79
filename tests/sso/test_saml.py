"""SAML 2.0 against a real IdP (pysaml2's, its own process): the portal's side through
Django's test client, the browser's side through requests."""

import pytest

from tests.sso.conftest import PORTAL, MEMBER_EMAIL, saml_sign_in_at_idp, verified_user


def start(client, email):
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def post_to_acs(client, action, fields):
    response = client.post(action.removeprefix(PORTAL), fields)
    assert response.status_code == 302, response.content.decode()[:1000]
    return client.get(response["Location"])


@pytest.mark.django_db
def test_a_partner_member_signs_in(client, world, saml_app):
    saml_app(world.partner_a)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(start(client, MEMBER_EMAIL), MEMBER_EMAIL)
    response = post_to_acs(client, action, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert int(client.session["_auth_user_id"]) == world.member_a.pk
