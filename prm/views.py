import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from redis import Redis

from prm.cache import pagecache
from prm.files.storage import is_local
from prm.http.redirects import safe_next_url
from prm.models import Heartbeat
from prm.tenancy import active_membership, staff_required, suspended_membership, suspended_page
from prm.ui import registry

LANDING_SECONDS = 60


def home(request):
    """One address, three homes: partner dashboard, staff home, or the public landing page."""
    if not request.user.is_authenticated:
        # The programme's story, tiers, public assets and solutions: records of every kind,
        # so the page is the cache policy's "may lag" kind (a minute, per language); the
        # admin's preview renders the same template uncached.
        main = pagecache.LaggingFragment(request, "prm:landing", seconds=LANDING_SECONDS)
        return render(request, "prm/landing.html", {"main": main})
    membership = active_membership(request.user)
    if membership is not None:
        # One batched cache read: the scopes' versions, the badges and the person's panels.
        registry.prefetch_partner_page(membership.partner_id, request.user.pk)
        pagecache.want(
            registry.home_panels_key(), registry.home_panels_scopes(membership.partner_id, request.user.pk)
        )
        return render(
            request,
            "prm/partner_home.html",
            {"partner": membership.partner, "home_panels": registry.home_panels(request, membership.partner)},
        )
    if request.user.is_staff:
        return redirect("staff_home")
    suspended = suspended_membership(request.user)
    if suspended is not None:
        return suspended_page(request, suspended)
    return render(request, "prm/no_partner.html")


@staff_required
def staff_home(request):
    """The staff home is the channel dashboard (the dashboard app serves /staff/ itself;
    this name stays for links and is only reached if that URL is not installed)."""
    return redirect("dashboard:index")


@require_POST
def set_language(request):
    """Switch language; remembered on the account for signed-in users, in a cookie otherwise."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next_url(request, request.POST.get("next"), "/"))
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@never_cache
def healthz(request):
    """200 "ok"; 200 "degraded" when only Redis (cache, rate limits, background work) is
    unavailable, since pages and sign-in still work; 503 "error" without the database."""
    broker, cache = _check_redis(settings.CELERY_BROKER_URL), _check_cache()
    checks = {"database": _check_database(), "redis": _both(broker, cache), "broker": broker, "cache": cache}
    if not checks["database"]["ok"]:
        status = "error"
    elif not checks["redis"]["ok"]:
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status, **checks, "worker": _last_heartbeat()}
    if status == "degraded":
        body["degraded"] = [
            *(["cache", "rate_limits"] if not cache["ok"] else []),
            *(["background_tasks"] if not broker["ok"] else []),
        ]
    return JsonResponse(body, status=503 if status == "error" else 200)


@never_cache
def livez(request):
    """Liveness: the process answers (no database, no Redis: restarting it would not help them)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: 200 when the database and the private file storage answer, whatever Redis
    does (pages work with the cache failing open); 503 takes the node out of the balancer."""
    checks = {"database": _check_database(), "storage": _check_storage()}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ready" if ready else "unready", **checks}, status=200 if ready else 503)


def _both(broker: dict, cache: dict) -> dict:
    if broker["ok"] and cache["ok"]:
        return {"ok": True, "ms": max(broker["ms"], cache["ms"])}
    return broker if not broker["ok"] else cache


def _timed(func) -> dict:
    started = time.perf_counter()
    try:
        func()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _last_heartbeat() -> dict:
    """Informational: when beat + a worker last ran the heartbeat task (not part of the status)."""
    try:
        beat = Heartbeat.objects.filter(name="celery").first()
    except Exception:
        return {"last_heartbeat": None}
    return {"last_heartbeat": beat.beat_at.isoformat() if beat else None}


def _check_database() -> dict:
    def ping():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    return _timed(ping)


def _check_redis(url: str) -> dict:
    def ping():
        Redis.from_url(
            url.replace("redis+socket://", "unix://"), socket_connect_timeout=1, socket_timeout=1
        ).ping()

    return _timed(ping)


def _check_cache() -> dict:
    """The cache's own Redis (CACHE_URL, or REDIS_URL's cache database), pinged directly: the
    cache backend itself fails open and would hide an outage."""
    return _check_redis(settings.CACHES["default"]["LOCATION"])


def _check_storage() -> dict:
    """The private storage can take a file: its folder exists (made on a fresh install, as
    the first upload would) and is writable, or the S3 bucket answers a listing."""
    storage = storages["private"]

    def probe():
        if not is_local(storage):
            storage.listdir("")
            return
        folder = Path(storage.location)
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(folder)

    return _timed(probe)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
