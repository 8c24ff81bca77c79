"""Production settings plus one bare view, for `bench/load.py` only.

Everything comes from `prm.settings` with DJANGO_DEBUG off (load.py passes DATABASE_URL,
REDIS_URL and a secret, as a deployment would). The only additions: the URLconf below,
which adds `/bench/bare/` next to the product URLs (so the product URLconf and its
tenancy test stay untouched), and a static root of its own for the hashed manifest.
"""

from prm.settings import *  # noqa: F403
from prm.settings import BASE_DIR, STORAGES

ROOT_URLCONF = "bench.loadsite.urls"
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
# Hashed file names as in production, without the gzip/brotli pass (collectstatic in seconds).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
