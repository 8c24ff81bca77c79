"""Reads for single sign-on: which route an e-mail address takes, which origins sign-in
forms may be sent to."""

from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp

from sso.models import PROVIDERS, SSORoute


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def route_for_email(email: str) -> SSORoute | None:
    domain = email_domain(email)
    if not domain:
        return None
    return SSORoute.objects.select_related("app", "partner").filter(domain=domain).first()


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _app_urls(app: SocialApp) -> list[str]:
    settings = app.settings or {}
    if app.provider == "openid_connect":
        return [settings.get("server_url", "")]
    idp = settings.get("idp") or {}
    return [idp.get("sso_url", ""), idp.get("metadata_url", "")]


def idp_origins() -> list[str]:
    """The origins of every routed identity provider: a sign-in form on our pages is answered
    with a redirect there, and the CSP's form-action covers the whole redirect chain."""
    apps = SocialApp.objects.filter(provider__in=PROVIDERS, sso_routes__isnull=False).distinct()
    origins = {_origin(url) for app in apps for url in _app_urls(app)}
    return sorted(origin for origin in origins if origin)
