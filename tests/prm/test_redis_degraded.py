"""Degraded, not down: with Redis down or hung, pages and sign-in work (bounded socket
timeouts, the cache fails open), rate limits let requests through and count again once
Redis is back, and /healthz says what is degraded."""

import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from prm.http import ratelimit
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_redis():
    """A TCP server on a loopback port (9300-9349) that accepts and never answers."""
    server = socket.socket()
    for port in range(9300, 9350):
        try:
            server.bind(("127.0.0.1", port))
            break
        except OSError:
            continue
    server.listen(50)
    conns, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(2)
    for c in conns:
        c.close()
    server.close()


@pytest.fixture(params=["down", "hung"])
def broken_cache(request, settings, hung_redis):
    location = "redis://127.0.0.1:1/1" if request.param == "down" else hung_redis.replace("/0", "/1")
    working = settings.CACHES
    settings.CACHES = {"default": {**working["default"], "LOCATION": location}}
    settings.REDIS_URL = settings.CELERY_BROKER_URL = location
    yield request.param
    settings.CACHES = working
    caches["default"].close()


def test_pages_and_sign_in_work_without_redis(client, broken_cache):
    user = UserFactory(email="degraded@example.test")
    started = time.monotonic()
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code in (200, 302)
    assert time.monotonic() - started < 15  # bounded timeouts, not a hang


def test_rate_limits_fail_open_and_resume(settings, broken_cache):
    for _ in range(3):
        assert ratelimit.hit("rl:degraded-test", limit=1, window=60) is False
    # Redis is back: counting resumes.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": _working_location()}}
    caches["default"].delete("rl:degraded-test")
    assert ratelimit.hit("rl:degraded-test", limit=1, window=60) is False
    assert ratelimit.hit("rl:degraded-test", limit=1, window=60) is True


def _working_location():
    from prm.settings import CACHES  # as configured for the test run (the real Redis)

    return CACHES["default"]["LOCATION"]


def test_healthz_says_degraded(client, broken_cache):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert "rate_limits" in response.json()["degraded"]
