import time
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def preferred_language(request) -> str:
    """A signed-in user's saved language, else the language cookie, else Japanese.

    Japanese is the portal's default, so the browser's Accept-Language is not consulted:
    a partner sees the same portal whatever browser they use until they choose.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = preferred_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Pages a staff member must reach before the two-factor requirement is met (setting up and
# entering a code, the password step allauth asks first, signing out), and pages that are
# not about the account at all (the health check, the language switch).
MFA_EXEMPT_URL_NAMES = {"account_reauthenticate", "account_logout", "set_language", "healthz"}
MFA_EXEMPT_URL_PREFIX = "mfa_"
# Requests the page makes by itself (the notification bell polls every 20 seconds, a kit
# being prepared polls too): they neither count as activity nor keep a session alive.
PASSIVE_URL_NAMES = {"notification_bell", "promotion:kit", "export_job_status"}
# Set by sso at sign-in when the identity provider asserted a second factor and the route
# trusts it: the staff two-factor requirement is met by the IdP's.
IDP_MFA_SESSION_KEY = "prm_idp_mfa"


def _staff(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.is_staff


def _leave(request, url: str):
    """Redirect, as a full page load when htmx asked for a fragment."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after PRM_STAFF_IDLE_TIMEOUT seconds without a request of their own
    (partners keep Django's session length). The last activity is written to the session at
    most once a minute, and the session's own expiry follows it, so an idle staff session
    also disappears from the session store."""

    SESSION_KEY = "prm_staff_active_at"
    WRITE_EVERY = 60

    @classmethod
    def touch(cls, session, now: int | None = None) -> None:
        session[cls.SESSION_KEY] = now or int(time.time())
        session.set_expiry(settings.PRM_STAFF_IDLE_TIMEOUT)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        timeout = settings.PRM_STAFF_IDLE_TIMEOUT
        if not timeout or not _staff(request):
            return None
        now = int(time.time())
        active_at = request.session.get(self.SESSION_KEY)
        if active_at is not None and now - active_at > timeout:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
                % {"minutes": timeout // 60},
            )
            return _leave(request, redirect_to_login(request.get_full_path()).url)
        passive = request.resolver_match is not None and request.resolver_match.view_name in PASSIVE_URL_NAMES
        session = request.session
        # The sign-in form may have set its own expiry (allauth's "remember me"): ours wins.
        foreign_expiry = session.get_expire_at_browser_close() or session.get_expiry_age() > timeout
        if not passive and (active_at is None or now - active_at >= self.WRITE_EVERY or foreign_expiry):
            self.touch(session, now)
        return None


class StaffMFARequiredMiddleware:
    """With PRM_STAFF_MFA_REQUIRED, every staff request (not only /admin/ and /staff/: the
    portal's partner pages, the account pages, htmx fragments) needs a session that was
    signed in with a second factor. Without TOTP set up, staff are sent to set it up; with
    TOTP but a session that never used it (signed in before it was set up), to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PRM_STAFF_MFA_REQUIRED or not _staff(request):
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if name in MFA_EXEMPT_URL_NAMES or (name or "").startswith(MFA_EXEMPT_URL_PREFIX):
            return None
        if _session_used_mfa(request):
            return None
        if not _has_totp(request.user):
            messages.warning(
                request, _("Staff accounts must set up two-factor authentication before continuing.")
            )
            return _leave(request, reverse("mfa_activate_totp"))
        return _leave(
            request, f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
        )


def _session_used_mfa(request) -> bool:
    if request.session.get(IDP_MFA_SESSION_KEY):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
