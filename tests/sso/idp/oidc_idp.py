"""A real OpenID Connect provider for the SSO tests: django-oauth-toolkit's, in a Django
project of its own, run as a separate process (tests/sso/idps.py starts it).

    python tests/sso/idp/oidc_idp.py --port 9101 --db /tmp/x.sqlite3 --redirect-uri URL ...

People sign in at its own login form. Its clients (client id = secret = the name):
- "portal": the portal as a vendor or partner would register it;
- "wrong-audience": a misconfigured client whose ID tokens name another application as
  their audience;
- "expired": a client whose ID tokens are issued already expired (an IdP clock far ahead).
Users: in the group "mfa" their tokens carry amr ["pwd", "mfa"], otherwise ["pwd"].
"""

import argparse
import sys

import django
from django.conf import settings

USERS = {
    # e-mail: (password, signed in with a second factor)
    "staff.sso@vendor.example": ("idp-pass-1", True),
    "member.sso@partner-a.example": ("idp-pass-2", False),
    "stranger@partner-a.example": ("idp-pass-3", False),
}
CLIENTS = ("portal", "wrong-audience", "expired")


def configure(db: str, key_pem: str) -> None:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="test-idp-only",
        ROOT_URLCONF=__name__,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db}},
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        LOGIN_URL="/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": key_pem,
            "PKCE_REQUIRED": True,
            # RFC 8252's loopback rule for "localhost" too: the portal under test listens on
            # localhost at whatever port the test run got.
            "ALLOW_LOCALHOST_LOOPBACK": True,
            "SCOPES": {"openid": "OpenID Connect", "email": "e-mail", "profile": "profile"},
            "OAUTH2_VALIDATOR_CLASS": f"{__name__}.Validator",
        },
        USE_TZ=True,
    )
    django.setup()


def _validator_class():
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class Validator(OAuth2Validator):
        oidc_claim_scope = None  # every claim below, whatever the scopes

        def get_additional_claims(self, request):
            user = request.user
            mfa = user.groups.filter(name="mfa").exists()
            return {
                "email": user.email,
                "email_verified": True,
                "name": user.get_full_name() or user.email,
                "amr": ["pwd", "mfa"] if mfa else ["pwd"],
            }

        def get_id_token_dictionary(self, token, token_handler, request):
            claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
            if request.client.name == "wrong-audience":
                claims["aud"] = "another-application"
            if request.client.name == "expired":
                claims["iat"] = claims["auth_time"] = int(claims["exp"]) - 7200
                claims["exp"] = int(claims["exp"]) - 3600 - 36000
            return claims, expiration

    return Validator


def login_page(request):
    from django.contrib.auth import authenticate, login
    from django.http import HttpResponse, HttpResponseRedirect
    from django.middleware.csrf import get_token
    from django.utils.html import escape
    from django.utils.http import url_has_allowed_host_and_scheme

    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = "<p role='alert'>Wrong e-mail or password.</p>"
    return HttpResponse(
        "<!doctype html><html lang='en'><head><title>Test IdP sign-in</title></head><body><main>"
        f"<h1>Test IdP</h1>{error}<form method='post'>"
        f"<input type='hidden' name='csrfmiddlewaretoken' value='{get_token(request)}'>"
        f"<input type='hidden' name='next' value='{escape(next_url)}'>"
        "<label>E-mail <input name='username' id='idp-username'></label>"
        "<label>Password <input type='password' name='password' id='idp-password'></label>"
        "<button type='submit' id='idp-submit'>Sign in at the IdP</button></form></main></body></html>"
    )


def seed(redirect_uris: list[str]) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    mfa = Group.objects.get_or_create(name="mfa")[0]
    for email, (password, has_mfa) in USERS.items():
        user = User.objects.create_user(username=email, email=email, password=password)
        if has_mfa:
            user.groups.add(mfa)
    for name in CLIENTS:
        Application.objects.create(
            name=name,
            client_id=name,
            client_secret=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


urlpatterns: list = []
Validator = None


def main(argv=None) -> None:
    global Validator
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", required=True, help="PEM file of the RSA signing key")
    parser.add_argument("--redirect-uri", action="append", default=[])
    args = parser.parse_args(argv)
    with open(args.key) as f:
        configure(args.db, f.read())
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path

    Validator = _validator_class()
    urlpatterns.extend(
        [path("login/", login_page), path("o/", include("oauth2_provider.urls", namespace="oauth2_provider"))]
    )
    seed(args.redirect_uri)
    print("ready", flush=True)
    run("127.0.0.1", args.port, get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    sys.exit(main())
