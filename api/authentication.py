"""`Authorization: Bearer prm_…`: a personal API token, acting as its user."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api import services
from prm.audit.log import note_via
from prm.http import ratelimit
from prm.http.clientip import client_ip


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no credentials: NotAuthenticated (401) if the view needs them
        if len(parts) != 2:
            raise self._failed(request, _("Send the token as “Authorization: Bearer <token>”."))
        raw = parts[1].decode("latin-1")
        token = services.token_authenticate(raw)
        if token is None or not token.user.is_active:
            raise self._failed(request, _("The token is invalid, expired or revoked."))
        services.token_used(
            token,
            ip=client_ip(request._request),
            user_agent=request.headers.get("User-Agent", ""),
            path=request.path,
        )
        note_via(api_token=token.key_prefix)
        return token.user, token

    def _failed(self, request, message):
        # Guessing tokens is hopeless (256 bits), but failures are still limited per client IP.
        limit = settings.PRM_API_AUTH_FAILURES_PER_MINUTE
        if ratelimit.ip_limited(request._request, "api-auth", limit=limit, window=60):
            return exceptions.Throttled(wait=60)
        return exceptions.AuthenticationFailed(message, code="invalid_token")

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (prm_…), created on the portal's “API and webhooks” page.",
        }
