from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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


class StaffMFARequiredMiddleware:
    """With PRM_STAFF_MFA_REQUIRED, staff must enrol TOTP before using staff areas."""

    GUARDED_PREFIXES = ("/admin/", "/staff/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PRM_STAFF_MFA_REQUIRED
            and request.path.startswith(self.GUARDED_PREFIXES)
            and request.user.is_authenticated
            and request.user.is_staff
            and not _has_totp(request.user)
        ):
            messages.warning(
                request, _("Staff accounts must set up two-factor authentication before continuing.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
