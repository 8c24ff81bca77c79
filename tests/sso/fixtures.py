"""The SSO tests' identity providers (real ones, as processes: tests/sso/idps.py) and the
portal's configuration of them (allauth SocialApps and sso routes): a plugin of the root
conftest, for tests/sso and the browser journey in tests/e2e."""

import base64
import html
import re
import zlib
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp

from sso.models import SSORoute
from tests.sso import idps

PORTAL = "http://localhost"  # the test client's host (_host_header)
OIDC_PROVIDER_ID = "vendor-idp"
STAFF_EMAIL = "staff.sso@vendor.example"
MEMBER_EMAIL = "member.sso@partner-a.example"
STRANGER_EMAIL = "stranger@partner-a.example"
IDP_PASSWORDS = {STAFF_EMAIL: "idp-pass-1", MEMBER_EMAIL: "idp-pass-2", STRANGER_EMAIL: "idp-pass-3"}


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory):
    # The portal's callback on localhost: the test client's, and the live server's at any port.
    process = idps.start_oidc(tmp_path_factory.mktemp("oidc"), [PORTAL], OIDC_PROVIDER_ID)
    yield f"http://127.0.0.1:{idps.OIDC_PORT}"
    process.stop()


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    process = idps.start_saml(tmp_path_factory.mktemp("saml"))
    yield f"http://127.0.0.1:{idps.SAML_PORT}"
    process.stop()


SAML_ORG = "partner-a"
SAML_SP_ENTITY_ID = "https://portal.example/saml/partner-a"


@pytest.fixture
def saml_app(db, saml_idp):
    """A partner's SAML IdP as a superuser would enter it in the admin, routed for its domain."""

    def make(partner, domain="partner-a.example", trust_mfa=False):
        app = SocialApp.objects.create(
            provider="saml",
            provider_id="saml-partner-a",
            name="Partner A IdP",
            client_id=SAML_ORG,
            settings={
                "idp": {"entity_id": f"{saml_idp}/metadata", "metadata_url": f"{saml_idp}/metadata"},
                "sp": {"entity_id": SAML_SP_ENTITY_ID},
                "attribute_mapping": {"uid": "email", "email": "email", "name": "displayName"},
                "advanced": {"want_assertion_signed": True, "want_message_signed": True},
            },
        )
        SSORoute.objects.create(domain=domain, app=app, partner=partner, trust_idp_mfa=trust_mfa)
        return app

    return make


def saml_sign_in_at_idp(start_url: str, email: str) -> tuple[str, dict]:
    """Act as the browser at the SAML IdP: its login form, then the auto-posting form it
    answers with. Returns that form's action (the portal's ACS) and fields."""
    session = requests.Session()
    page = session.get(start_url, timeout=10).text
    fields = dict(re.findall(r"name='(SAMLRequest|RelayState)' value='([^']*)'", page))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    answer = session.post(
        urljoin(start_url, "/sso/redirect"),
        data={**fields, "username": email, "password": IDP_PASSWORDS[email]},
        timeout=10,
    ).text
    action = html.unescape(re.search(r'action="([^"]+)"', answer).group(1))
    posted = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer)
    }
    return action, posted


@pytest.fixture
def oidc_app(db, oidc_idp):
    """The vendor's IdP as a superuser would enter it in the admin, routed for staff."""

    def make(client_id="portal", domain="vendor.example", partner=None, trust_mfa=True):
        app = SocialApp.objects.create(
            provider="openid_connect",
            provider_id=OIDC_PROVIDER_ID,
            name="Vendor IdP",
            client_id=client_id,
            secret=client_id,
            settings={"server_url": f"{oidc_idp}/o", "oauth_pkce_enabled": True},
        )
        SSORoute.objects.create(domain=domain, app=app, partner=partner, trust_idp_mfa=trust_mfa)
        return app

    return make


def verified_user(user, email):
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in_at_idp(start_url: str, email: str, portal_prefix: str) -> str:
    """Act as the browser at the IdP: follow its redirects, fill in its own login form, and
    return the URL it finally sends the browser back to on the portal."""
    session = requests.Session()
    url = start_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (301, 302, 303):
            url = urljoin(url, response.headers["Location"])
            if url.startswith(portal_prefix):
                return url
            continue
        token = re.search(r"name='csrfmiddlewaretoken' value='([^']+)'", response.text).group(1)
        next_url = re.search(r"name='next' value='([^']+)'", response.text).group(1).replace("&amp;", "&")
        response = session.post(
            url,
            data={
                "csrfmiddlewaretoken": token,
                "next": next_url,
                "username": email,
                "password": IDP_PASSWORDS[email],
            },
            headers={"Referer": url},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the IdP never sent the browser back")


def start_company_sign_in(client, email: str) -> str:
    """The sign-in page's company form: where it sends the browser (the IdP)."""
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def refused(response, words: str) -> None:
    """A refusal page saying `words`, and nobody signed in."""
    assert response.status_code == 403
    assert words in response.content.decode(), response.content.decode()[-3000:]
    assert "_auth_user_id" not in response.wsgi_request.session


def as_another_sp(start_url: str) -> str:
    """The portal's AuthnRequest re-issued by another application registered at the same
    IdP with the portal's ACS URL: the IdP answers for that application's audience."""
    query = parse_qs(urlsplit(start_url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    xml = xml.replace(SAML_SP_ENTITY_ID, "https://other-app.example/saml")
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(packed.compress(xml.encode()) + packed.flush()).decode()
    return f"{start_url.split('?')[0]}?{urlencode({'SAMLRequest': encoded, 'RelayState': ''})}"
