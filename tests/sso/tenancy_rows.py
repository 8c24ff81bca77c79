"""Single sign-on's pages. ROWS: the portal's own (the company sign-in form). ALLAUTH_ROWS:
allauth's provider and third-party-account pages, which tests/test_tenancy.py leaves out
as foreign, and the sign-in form's hand-over to a SAML IdP: tests/sso/test_allauth_tenancy.py
runs them through the same matrix with a browser's Host header (python3-saml builds URLs
from it). These are
anonymous flows, alike for every role, and none may tell which accounts exist."""

import tempfile
from pathlib import Path

from tests.tenancy import LOGIN, PUBLIC, Row, expect

EVERYONE_400 = expect(400)
EVERYONE_302 = expect(302)
EVERYONE_403 = expect(403)


def routed_apps(w) -> dict:
    """An OIDC app on the vendor's domain and a SAML app on partner A's (configured inline:
    no identity provider is contacted by these rows)."""
    from allauth.socialaccount.models import SocialApp

    from sso.models import SSORoute
    from tests.sso.idps import key_and_cert

    oidc = SocialApp.objects.get_or_create(
        provider="openid_connect",
        provider_id="matrix-oidc",
        defaults={
            "name": "Matrix OIDC",
            "client_id": "portal",
            "settings": {"server_url": "https://idp.vendor.example"},
        },
    )[0]
    if not SocialApp.objects.filter(provider="saml", client_id="matrix-saml").exists():
        _key, cert = key_and_cert(Path(tempfile.mkdtemp()), "matrix")
        saml = SocialApp.objects.create(
            provider="saml",
            provider_id="matrix-saml",
            name="Matrix SAML",
            client_id="matrix-saml",
            settings={
                "idp": {
                    "entity_id": "https://idp.partner-a.example/metadata",
                    "sso_url": "https://idp.partner-a.example/sso",
                    "x509cert": cert.read_text(),
                },
                "sp": {"entity_id": "https://portal.example/saml/matrix"},
            },
        )
        SSORoute.objects.create(domain="vendor.example", app=oidc)
        SSORoute.objects.create(domain="alpha.example", app=saml, partner=w.partner_a)
    return {"oidc": oidc, "saml": SocialApp.objects.get(client_id="matrix-saml")}


def _oidc(w):
    routed_apps(w)
    return {"provider_id": "matrix-oidc"}


def _saml(w):
    routed_apps(w)
    return {"organization_slug": "matrix-saml"}


def _secrets(w):
    return [w.member_a.email, w.admin_a.email, w.manager_a.email, "BEGIN CERTIFICATE"]


def _routed_email(w):
    routed_apps(w)
    return {"email": "someone@alpha.example"}


ROWS = [
    Row("sso:company_sign_in", PUBLIC, leaks=_secrets),
    # An unknown domain: the form says so (the domain only, never whether an account exists).
    Row("sso:company_sign_in", EVERYONE_400, method="post", data=lambda w: {"email": w.member_a.email}),
    # A routed domain: in ALLAUTH_ROWS (it needs a browser's Host header, as allauth's do).
]

ALLAUTH_ROWS = [
    # A routed domain: straight to that identity provider, account or not (the IdP decides
    # who the person is; the portal decides afterwards whether that account may sign in).
    Row("sso:company_sign_in", EVERYONE_302, method="post", data=_routed_email),
    # allauth's confirmation pages (a POST form with a CSRF token starts the redirect).
    Row("openid_connect_login", PUBLIC, kwargs=_oidc, leaks=_secrets),
    Row("saml_login", PUBLIC, kwargs=_saml, leaks=_secrets),
    # Answers with no sign-in of this browser waiting for them: refused with a message.
    Row("openid_connect_callback", EVERYONE_403, kwargs=_oidc, query="?code=x&state=y", leaks=_secrets),
    Row("saml_acs", EVERYONE_302, kwargs=_saml, method="post", data=lambda w: {"SAMLResponse": "eA=="}),
    Row("saml_finish_acs", EVERYONE_403, kwargs=_saml, leaks=_secrets),
    # The SP metadata an IdP administrator is given (the portal's entity id and ACS URL).
    Row("saml_metadata", PUBLIC, kwargs=_saml, leaks=lambda w: [w.member_a.email, w.admin_a.email]),
    # allauth's third-party pages: the connections page is the signed-in user's own.
    Row("socialaccount_connections", expect(200, anon=LOGIN), leaks=_secrets),
    Row("socialaccount_login_cancelled", PUBLIC, leaks=_secrets),
    Row("socialaccount_login_error", expect(401), leaks=_secrets),
    Row("socialaccount_signup", EVERYONE_302),
]
