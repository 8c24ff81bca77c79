"""Tokens and clients for API tests: a token acts as its user, with every scope of its side
unless the test says otherwise."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from api import scopes as scope_defs
from api.models import ApiToken
from api.services import TOKEN_PREFIX, audience_of, token_hash


def make_token(user, *, scopes=None, days: int = 30, name: str = "test") -> str:
    """A usable token for `user` (created directly: the portal's issuing rules are tested
    apart); returns the secret."""
    import secrets

    from prm.tenancy import active_membership

    audience = audience_of(user) or ("vendor" if user.is_staff else "partner")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    membership = active_membership(user)
    ApiToken.objects.create(
        user=user,
        partner=membership.partner if membership else None,
        name=name,
        key_prefix=raw[:12],
        key_hash=token_hash(raw),
        scopes=scopes if scopes is not None else scope_defs.all_scopes(audience),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return raw


class ApiClient(Client):
    """A Django test client that sends a bearer token and JSON."""

    def __init__(self, token: str | None = None, language: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token
        self.language = language

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if self.language:
            headers.setdefault("Accept-Language", self.language)
        return headers

    def get(self, path, data=None, headers=None, **extra):
        return super().get(path, data, headers=self._headers(headers), **extra)

    def post(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().post(path, data, content_type=content_type, headers=self._headers(headers), **extra)

    def patch(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().patch(path, data, content_type=content_type, headers=self._headers(headers), **extra)

    def delete(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().delete(path, data, content_type=content_type, headers=self._headers(headers), **extra)


def client_as(user, **kwargs) -> ApiClient:
    return ApiClient(make_token(user, **kwargs) if user is not None else None)
