"""The sign-in pages' form-action lets the browser follow the redirect to a routed IdP (the
CSP applies form-action to the redirects after a form); every other page keeps 'self'."""

import pytest

from tests.sso.tenancy_rows import routed_apps


def form_action(response) -> str:
    policy = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip()
    )
    return policy["form-action"]


@pytest.mark.django_db
def test_only_the_sign_in_pages_allow_the_routed_idps(client, world):
    assert form_action(client.get("/accounts/login/")) == "'self'"  # nothing routed yet
    routed_apps(world)
    idps = "'self' https://idp.partner-a.example https://idp.vendor.example"
    assert form_action(client.get("/accounts/login/")) == idps
    assert form_action(client.get("/accounts/sso/")) == idps
    assert form_action(client.get("/accounts/saml/matrix-saml/login/")) == idps
    assert form_action(client.get("/apply/")) == "'self'"
