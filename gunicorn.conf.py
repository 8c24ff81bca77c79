"""gunicorn settings for production: `gunicorn prm.wsgi` reads this file by default.

Every value can be overridden from the environment (GUNICORN_*), e.g. GUNICORN_WORKERS=8.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Requests are short; file downloads go through X-Accel-Redirect or signed URLs in production.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Load the app once in the master (prm/wsgi.py also compiles the URL resolver and the
# templates there) and fork warm workers from it: a recycled worker serves at once instead of
# spending a second re-importing Django on a busy core. Deploys restart the units (a HUP
# would keep the old code loaded in the master; docs/deployment.md restarts, never reloads).
preload_app = os.environ.get("GUNICORN_PRELOAD_APP", "true") == "true"
# Recycle workers now and then (memory held by Pillow/pygal is returned).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Behind a reverse proxy: trust its X-Forwarded-* only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def pre_fork(server, worker):
    """Move everything the preloaded app built into the collector's permanent generation, so
    a worker's first full collection does not write to (and so copy) every shared page."""
    gc.freeze()


def worker_exit(server, worker):
    """A worker leaving (recycled or stopped) skips the interpreter's teardown.

    Tearing down a Django process frees every object one by one, and with a preloaded app
    each of those writes copies a shared page: measured here, 100-500 ms of a busy core
    during which requests queued behind the exit (p99 of a recycling run rose from about
    25 ms to up to 470 ms). The worker has answered its last request; what teardown would do
    for it is done here: close the database connections and flush error reports and logs."""
    import logging
    import sys

    from django.db import connections

    connections.close_all()
    if "sentry_sdk" in sys.modules:  # its atexit hook would have sent pending events
        sys.modules["sentry_sdk"].flush(timeout=2)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
