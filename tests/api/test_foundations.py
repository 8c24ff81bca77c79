"""Tokens, the error shape, languages, scopes, rate limit, ETags and the schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from prm.models import AuditEvent
from tests.api.helpers import ApiClient, client_as, make_token

pytestmark = pytest.mark.django_db


def test_me_says_who_the_token_acts_as(world):
    response = client_as(world.admin_a).get("/api/v1/me/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["email"] == world.admin_a.email
    assert body["audience"] == "partner" and body["role"] == "admin"
    assert body["partner"]["id"] == world.partner_a.pk
    assert "deals:write" in body["token"]["scopes"]
    manager = client_as(world.manager_a).get("/api/v1/me/").json()
    assert manager["audience"] == "vendor" and manager["partner"] is None


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer prm_unknown", "Token abc", "Bearer"])
def test_no_valid_token_is_a_401_in_the_error_shape(world, header):
    client = ApiClient()
    response = client.get("/api/v1/me/", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors", "details"}
    assert body["status"] == 401 and body["code"] in ("not_authenticated", "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_fail(world):
    raw = make_token(world.admin_a)
    token = ApiToken.objects.get(key_prefix=raw[:12])
    assert ApiClient(raw).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(raw).get("/api/v1/me/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert ApiClient(raw).get("/api/v1/me/").status_code == 401


def test_a_deactivated_user_token_fails(world):
    raw = make_token(world.member_a)
    world.member_a.is_active = False
    world.member_a.save()
    assert ApiClient(raw).get("/api/v1/me/").status_code == 401


def test_messages_follow_accept_language_then_the_user(world):
    ja = ApiClient(language="ja").get("/api/v1/me/").json()["message"]
    en = ApiClient(language="en").get("/api/v1/me/").json()["message"]
    assert ja != en and "credentials" in en.lower()
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in ja)
    world.admin_a.language = "en"
    world.admin_a.save()
    response = client_as(world.admin_a).get("/api/v1/nowhere/")
    assert response.status_code == 404 and response["Content-Language"] == "en"


def test_token_use_is_audited_once_an_hour_and_last_use_recorded(world):
    raw = make_token(world.admin_a)
    client = ApiClient(raw)
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(key_prefix=raw[:12])
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    used = AuditEvent.objects.filter(action="api.token_used", target_id=str(token.pk))
    assert used.count() == 1
    assert used.get().data["path"] == "/api/v1/me/"


def test_rate_limit_per_token_with_retry_after(world, settings):
    settings.PRM_API_RATE_LIMIT = 3
    client = client_as(world.admin_a)
    other = client_as(world.member_a)
    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/me/")
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["details"]["retry_after"] == int(limited["Retry-After"])
    assert other.get("/api/v1/me/").status_code == 200  # per token


def test_etag_gives_304_when_nothing_changed(world):
    client = client_as(world.admin_a)
    first = client.get("/api/v1/me/")
    etag = first["ETag"]
    assert etag
    again = client.get("/api/v1/me/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/v1/me/", headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_schema_is_openapi_3_1_and_public(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"token": []}], f"{method} {path} without the token"
