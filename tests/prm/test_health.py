import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_reports_every_component_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert body["broker"]["ok"] and body["cache"]["ok"]


def test_it_is_degraded_not_down_when_redis_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis+socket:///nonexistent/redis.sock"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "unix:///nonexistent/redis.sock?db=1"}
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # pages and sign-in still work without Redis
    body = response.json()
    assert body["status"] == "degraded"
    assert body["redis"] == {"ok": False, "error": "ConnectionError"}
    assert body["broker"] == body["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["degraded"] == ["cache", "rate_limits", "background_tasks"]
    assert body["database"]["ok"]


def test_a_broker_outage_alone_degrades_background_work_only(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "degraded"
    assert body["cache"]["ok"] and not body["broker"]["ok"]
    assert body["degraded"] == ["background_tasks"]


def test_it_is_503_when_the_database_is_down(client, monkeypatch):
    from prm import views

    def broken():
        return {"ok": False, "error": "OperationalError"}

    monkeypatch.setattr(views, "_check_database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("livez"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_ready_with_the_database_and_the_storage(client):
    body = client.get(reverse("readyz")).json()
    assert body["status"] == "ready"
    assert body["database"]["ok"] and body["storage"]["ok"]


def test_readyz_stays_ready_with_redis_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/1"}}
    assert client.get(reverse("readyz")).status_code == 200


def test_readyz_is_503_without_the_database(client, monkeypatch):
    from prm import views

    monkeypatch.setattr(views, "_check_database", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unready"


def test_readyz_is_503_when_the_private_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.PRM_PRIVATE_MEDIA_ROOT = str(blocker / "private")  # cannot exist under a file
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["storage"] == {"ok": False, "error": "NotADirectoryError"}


@pytest.mark.parametrize("name", ["healthz", "livez", "readyz"])
def test_probes_are_exempt_from_the_https_redirect(client, settings, name):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse(name)).status_code in (200, 503)
