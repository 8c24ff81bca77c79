import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_reports_both_components_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"]


def test_it_is_degraded_not_down_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis+socket:///nonexistent/redis.sock"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # pages and sign-in still work without Redis
    body = response.json()
    assert body["status"] == "degraded"
    assert body["redis"] == {"ok": False, "error": "ConnectionError"}
    assert body["database"]["ok"]


def test_it_is_503_when_the_database_is_down(client, monkeypatch):
    from prm import views

    def broken():
        return {"ok": False, "error": "OperationalError"}

    monkeypatch.setattr(views, "_check_database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
