"""Settings for the partner portal: one file, driven by the environment.

Variables (see README): DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL, EMAIL_URL, DEFAULT_FROM_EMAIL, SITE_URL, MEDIA_ROOT.
Each may also be given as <NAME>_FILE, a path whose contents are the value (secrets).
A git-ignored `.env` in the project root is read if present; real environment variables
win over it.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from prm.files.storage import media_storage_origin, storages_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# setdefault: the real environment wins. PRM_ENV_FILE names the file of a deployment
# (docs/deployment.md: /etc/prm/prm.env, also read by systemd); else a development `.env`.
environ.Env.read_env(os.environ.get("PRM_ENV_FILE") or BASE_DIR / ".env")

for _name in (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
):  # secrets may come from files (Docker/Kubernetes secrets)
    if f"{_name}_FILE" in os.environ and _name not in os.environ:
        os.environ[_name] = Path(os.environ[f"{_name}_FILE"]).read_text().strip()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("PRM_TESTING", default=False)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

# Earlier keys still accepted (sessions, signed cookies, LMS secrets) while rotating.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])


# --- Databases and broker -------------------------------------------------------------
# Read from the environment only. In development the entry points (manage.py, `make run`,
# `make test`) set both URLs to the embedded servers first (devtools/servers.py); a process
# started by hand there: eval "$(python -m devtools.servers env)".
def _url_missing(names: str) -> ImproperlyConfigured:
    where = (
        "in development, start through manage.py, `make run` or `make test`, which set it to the "
        'embedded servers, or run eval "$(python -m devtools.servers env)" first'
        if DEBUG
        else "the embedded servers are for development only"
    )
    return ImproperlyConfigured(f"{names} must be set ({where}).")


if "DATABASE_URL" not in os.environ:
    raise _url_missing("DATABASE_URL")
DATABASES = {"default": env.db("DATABASE_URL")}
# A test's real Celery worker points at the test database with this.
if "PRM_DATABASE_NAME" in os.environ:
    DATABASES["default"]["NAME"] = os.environ["PRM_DATABASE_NAME"]
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode a server-side cursor declared outside a transaction
# (Django's .iterator(), form choice lists) may be fetched on another server connection:
# set DB_DISABLE_SERVER_SIDE_CURSORS=true there (docs/deployment.md). The portal's big reads
# (CSV exports) keep bounded memory either way: prm.exports.streaming.stream_rows runs its cursor inside
# a transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)

if "REDIS_URL" in os.environ:
    REDIS_URL = env("REDIS_URL")
elif "CELERY_BROKER_URL" in os.environ and "CACHE_URL" in os.environ:
    REDIS_URL = env("CELERY_BROKER_URL")  # two Redis, each named: REDIS_URL is not needed
else:
    raise _url_missing("REDIS_URL (or both CELERY_BROKER_URL and CACHE_URL)")
# The broker must never evict (a dropped key is a lost task) and the cache should evict
# (allkeys-lru): in production give each its own Redis. Both default to REDIS_URL (broker
# db 0, cache db 1).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CACHE_URL = env("CACHE_URL", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "prm",
    "partners",
    "privacy",  # APPI: provision records, requests from people concerned, partner exports
    "training",  # courses, quizzes, certifications, external LMSs (below incentives and onboarding)
    "content",
    "onboarding",
    "incentives",
    "promotion",
    "threads",
    "leads",  # vendor-to-partner leads (beside threads and promotion)
    "funds",  # market development funds (above promotion: a request links a campaign)
    "payouts",  # statements, notices (支払通知書), 全銀 transfer files; after funds
    "plans",  # joint business plans and quarterly reviews; beside payouts, above funds
    "marketplace",  # solution listings and the public directory's badges; beside payouts and plans
    "dashboard",
    "prm.webhooks",  # outbound webhooks: the outbox written by prm.audit.log, delivery by Celery
    "api",  # the partner API (/api/v1/) and its token and webhook pages
    "imports",  # bulk import (CSV/.xlsx, dry run, confirm) through every app's services
    "sso",  # single sign-on: e-mail domains routed to OpenID Connect / SAML identity providers
    # Development tools (the seed_demo command): with debug on and in tests only.
    *(["devtools"] if DEBUG or TESTING else []),
    "modeltranslation",  # before the admin: bilingual manager-defined records (translation.py per app)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "guardian",
    "django_htmx",
    "template_partials",
    "bootstrap",
    "django_countries",
    "django_filters",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI from our own static files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prm.files.uploads.PixelBudgetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "prm.cache.pagecache.RequestBatchMiddleware",  # one batched cache read per request
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.access.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "prm.access.middleware.StaffIdleTimeoutMiddleware",
    "prm.access.middleware.StaffMFARequiredMiddleware",
    "sso.middleware.IdPFormActionMiddleware",  # after csp's: sets the sign-in pages' form-action
    "sso.middleware.SAMLReplayMiddleware",
    "prm.files.filesystem.StorageErrorMiddleware",
]

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prm.ui.context_processors.portal",
            ],
        },
    }
]

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "prm.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# One address per person, changed only by the person: the new address is verified by a link
# sent to it before it replaces the old one, and the old address is told (no staff form
# changes it: prm/admin.py). Changing it asks for the password again.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Sign-up is by invitation or application only; the adapter enforces it.
ACCOUNT_ADAPTER = "sso.adapters.SSOAccountAdapter"  # partners' invitation adapter + the IdP's 2FA
# Accepting an invitation signs up with the invited address only (partners.signup).
ACCOUNT_FORMS = {"signup": "partners.signup.InvitedSignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("PRM_LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Single sign-on (sso/, docs/sso.md): identity providers are allauth SocialApps a superuser
# configures in the admin, reached by e-mail domain; an IdP links only to an existing account
# with that verified address (staff on the vendor's route, members on their partner's), never
# signs anyone up.
SOCIALACCOUNT_ADAPTER = "sso.adapters.SSOSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("PRM_SSO_REQUESTS_TIMEOUT", default=10)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Partner Portal")
# Staff must enrol TOTP and sign in with it before any request (see prm.access.middleware).
PRM_STAFF_MFA_REQUIRED = env.bool("PRM_STAFF_MFA_REQUIRED", default=not DEBUG)
# Staff sessions end after this many seconds without activity (0: never; partners keep
# Django's two-week session).
PRM_STAFF_IDLE_TIMEOUT = env.int("PRM_STAFF_IDLE_TIMEOUT", default=30 * 60)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
# Records channel managers define (names, titles, descriptions, benefits) have a Japanese and
# an English value; the reader's language is shown, falling back to the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
MODELTRANSLATION_LANGUAGES = ("ja", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ja", "en")}
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Public files (logos) in MEDIA_ROOT, every other upload in PRIVATE_MEDIA_ROOT, served only
# through views that check access; MEDIA_STORAGE_URL=s3://bucket/prefix moves both to an
# S3-compatible bucket (prm/files/storage.py).
PRM_PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default="") or None
STORAGES = storages_from_env(
    env,
    static_backend=(
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    ),
)
# Private files: "" (Django streams them, with Range), "x-accel-redirect" (nginx, internal
# location at PRM_SENDFILE_PREFIX mapped to PRIVATE_MEDIA_ROOT) or "x-sendfile".
PRM_SENDFILE = env("PRM_SENDFILE", default="")
PRM_SENDFILE_PREFIX = env("PRM_SENDFILE_PREFIX", default="/_private/")
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------
if "EMAIL_URL" in os.environ:
    vars().update(env.email_url("EMAIL_URL"))
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    # Development: mails are printed by the web/worker process.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Partner Portal <noreply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Caching and sessions -------------------------------------------------------------
def _redis_location(url: str, *, db: int) -> str:
    if url.startswith("redis+socket://"):
        return f"unix://{url.removeprefix('redis+socket://').split('?')[0]}?db={db}"
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/{db}"


# Tests clear the cache in every test: each pytest-xdist worker (gw0, gw1, ...) gets its own
# database (2, 3, ...) so that one worker's clear never empties another's rate limits.
_TEST_CACHE_DB = 2 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


# django-redis with short socket timeouts and IGNORE_EXCEPTIONS: with Redis down or hung
# the cache misses (rate limits fail open, pages and sign-in keep working) instead of
# raising or hanging; it recovers by itself when Redis is back. /healthz says "degraded".
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "prm.cache.failopen.FailOpenRedisCache",
        # Database 0 is Celery's broker; the cache gets its own (tests another) so that
        # clearing a cache never drops queued tasks.
        "LOCATION": CACHE_URL or _redis_location(REDIS_URL, db=_TEST_CACHE_DB if TESTING else 1),
        "KEY_PREFIX": "prm-test" if TESTING else "prm",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions read from Redis (written through to the database): one query less per page;
# with Redis down they are read from the database (the cache fails open).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# --- Security headers ---------------------------------------------------------------
# With debug off the portal is served over HTTPS only (behind a proxy that sets
# X-Forwarded-Proto). SECURE_SSL_REDIRECT=false is for a proxy that redirects itself.
HTTPS_ONLY = not DEBUG
SESSION_COOKIE_SECURE = HTTPS_ONLY or SITE_URL.startswith("https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^(healthz|livez|readyz)/?$"]  # plain-HTTP health checks and probes
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# DENY everywhere; only the PDF/video preview response allows our own pages (content.views).
X_FRAME_OPTIONS = "DENY"
# django-csp: no inline script or style anywhere (behaviour in static/js/portal.js,
# layout in static/css/portal.css, charts as SVG images); frames only from the video
# players that content and lessons embed (content.views._video_embed, training.video).
CSP_VIDEO_FRAME_HOSTS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
_csp_media = [o for o in [media_storage_origin(env)] if o]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_csp_media],
        "media-src": ["'self'", *_csp_media],
        "object-src": ["'self'", *_csp_media],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": CSP_VIDEO_FRAME_HOSTS,
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        **({"report-uri": [env("CSP_REPORT_URI")]} if env("CSP_REPORT_URI", default="") else {}),
    }
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's IP behind proxies (prm.http.clientip; every rate limit keys on it): either a
# header the proxy always overwrites (CLIENT_IP_HEADER=X-Real-IP) or the number of proxies
# appending to X-Forwarded-For (TRUSTED_PROXY_COUNT=1). Neither: REMOTE_ADDR.
PRM_CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
PRM_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Celery ---------------------------------------------------------------------------
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# A task whose worker died (kill -9, OOM) is delivered again after this many seconds; it
# must exceed the longest task and the longest countdown/ETA (else a task runs twice).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
# Processes per worker (default: one per CPU core).
CELERY_WORKER_CONCURRENCY = int(env("CELERY_WORKER_CONCURRENCY", default="") or 0) or None
# Every periodic task of every app, written out here, but the roll-ups: beat schedules those
# from the one list of roll-ups the apps register (prm.ui.registry.rollups(), also read by
# `manage.py refresh_rollups` and the scale seed). Tasks are idempotent so a repeat is harmless.
CELERY_BEAT_SCHEDULE = {
    # funds (MDF): allocation at period start (daily: idempotent, opens funds of partners that
    # reached an MDF tier later), claim expiry and decision reminders
    "funds-allocate": {"task": "funds.tasks.allocate_funds", "schedule": crontab(hour=1, minute=5)},
    "funds-expire-requests": {"task": "funds.tasks.expire_requests", "schedule": crontab(hour=1, minute=15)},
    "funds-reminders": {"task": "funds.tasks.send_reminders", "schedule": crontab(hour=8, minute=30)},
    # /healthz and /readyz show when a worker last ran it (seconds; default 5 minutes).
    "prm-heartbeat": {"task": "prm.tasks.heartbeat", "schedule": env.int("HEARTBEAT_SECONDS", default=300)},
    # content
    "content-publish-due": {"task": "content.tasks.publish_due_assets", "schedule": crontab(minute="*/5")},
    "content-aggregate-engagement": {
        "task": "content.tasks.aggregate_engagement",
        "schedule": crontab(minute="*/10"),
    },
    "content-weekly-digest": {
        "task": "content.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    # onboarding
    "onboarding-daily-reminders": {
        "task": "onboarding.tasks.run_daily_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # incentives
    "incentives-recompute-tiers": {
        "task": "incentives.tasks.recompute_tiers",
        "schedule": crontab(hour=2, minute=15),
    },
    "incentives-deal-protection": {
        "task": "incentives.tasks.sweep_deal_protection",
        "schedule": crontab(hour=6, minute=0),
    },
    "incentives-earnings": {
        "task": "incentives.tasks.compute_earnings",
        "schedule": crontab(hour=3, minute=0),
    },
    # Customer contacts of lost, expired and rejected deals, after PRM_CONTACT_RETENTION_DAYS.
    "incentives-anonymise-contacts": {
        "task": "incentives.tasks.anonymise_deal_contacts",
        "schedule": crontab(hour=4, minute=10),
    },
    # leads: offers past their SLA expire and go to the next partner (hourly, business days
    # counted by prm.i18n.business_days); contacts of leads closed for PRM_LEAD_RETENTION_DAYS
    "leads-expire-offers": {"task": "leads.tasks.expire_offers", "schedule": crontab(minute=5)},
    "leads-anonymise-contacts": {
        "task": "leads.tasks.anonymise_lead_contacts",
        "schedule": crontab(hour=4, minute=15),
    },
    # privacy (APPI)
    "privacy-request-reminders": {
        "task": "privacy.tasks.remind_data_requests",
        "schedule": crontab(hour=8, minute=45),
    },
    "privacy-purge-provision-records": {
        "task": "privacy.tasks.purge_provision_records",
        "schedule": crontab(hour=4, minute=30),
    },
    "privacy-expire-exports": {
        "task": "privacy.tasks.expire_partner_exports",
        "schedule": crontab(hour=4, minute=40),
    },
    # promotion
    "promotion-reminders": {"task": "promotion.tasks.sweep_reminders", "schedule": crontab(hour=9, minute=0)},
    "prm-purge-exports": {"task": "prm.tasks.purge_exports", "schedule": crontab(hour=4, minute=30)},
    "prm-notification-summaries": {
        "task": "prm.tasks.send_notification_summaries",
        "schedule": crontab(hour=7, minute=30),
    },
    # webhooks: deliveries no task carries (Redis down when queued, a killed worker, long
    # back-offs), and events past their retention
    "webhooks-sweep": {"task": "prm.webhooks.tasks.sweep", "schedule": crontab(minute="*")},
    "webhooks-purge": {"task": "prm.webhooks.tasks.purge", "schedule": crontab(hour=4, minute=20)},
    "imports-purge-files": {"task": "imports.tasks.purge_files", "schedule": crontab(hour=4, minute=35)},
    "api-purge-idempotency-keys": {
        "task": "api.tasks.purge_idempotency_keys",
        "schedule": crontab(hour=4, minute=25),
    },
}

# --- Logging and error reporting -----------------------------------------------------
# LOG_FORMAT=json: one JSON object a line (for a log collector); plain text otherwise.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "prm.logging.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
    },
}
# Optional error reporting: SENTRY_DSN (Sentry or a compatible service such as GlitchTip).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # no e-mail addresses, cookies or bodies of partners
    )

# --- Portal ---------------------------------------------------------------------------
PRM_ONBOARDING_TARGET_DAYS = 60
# prm sits below partners: prm.tenancy finds these models by name (like AUTH_USER_MODEL).
# Part of every page-cache key (prm.cache.pagecache.RELEASE): a deploy may set the commit here;
# unset, a digest of the code, templates and catalogues is used.
PRM_RELEASE = env("PRM_RELEASE", default="")
PRM_PARTNER_MODEL = "partners.Partner"
PRM_MEMBERSHIP_MODEL = "partners.Membership"
PRM_LOGO_MAX_BYTES = 2 * 1024 * 1024
PRM_LOGO_SIZE = (400, 400)
# CSV exports above this many rows are written by a worker, with progress and an e-mailed
# link (prm.exports.jobs); smaller ones stream straight to the browser. Files are kept a week.
PRM_EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=5000)
PRM_EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# Bulk import (imports app): files above this many rows are checked and imported by a
# Celery worker (progress on the page, the result e-mailed); the largest file accepted.
PRM_IMPORT_BACKGROUND_ROWS = env.int("PRM_IMPORT_BACKGROUND_ROWS", default=300)
PRM_IMPORT_MAX_BYTES = env.int("PRM_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploaded import files and their rows' details (names, addresses) are deleted this many days
# after the upload; the job keeps its counts (imports.services.import_files_purge, daily).
PRM_IMPORT_KEEP_DAYS = env.int("PRM_IMPORT_KEEP_DAYS", default=30)
PRM_EXERCISE_FILE_MAX_BYTES = env.int("PRM_EXERCISE_FILE_MAX_BYTES", default=10 * 1024 * 1024)
# Home panels, staff links and navigation badges: prm.ui.registry, filled in AppConfig.ready().
# Tracked campaign links /c/<code>/ (promotion): requests per client IP and window
# (seconds; over it: 429), and clicks counted per link, client IP and day.
# Market development funds: the vendor's fiscal year starts in this month (April, as most
# Japanese companies); funds are per "quarter" or fiscal "half"; decisions are due in this many
# Japanese business days; claims within this many days of the activity's end.
PRM_FISCAL_YEAR_START_MONTH = env.int("PRM_FISCAL_YEAR_START_MONTH", default=4)
PRM_MDF_PERIOD = env.str("PRM_MDF_PERIOD", default="quarter")
PRM_MDF_DECISION_BUSINESS_DAYS = env.int("PRM_MDF_DECISION_BUSINESS_DAYS", default=5)
PRM_MDF_CLAIM_DAYS = env.int("PRM_MDF_CLAIM_DAYS", default=60)
PROMOTION_LINK_RATE_LIMIT = (env.int("PROMOTION_LINK_RATE_LIMIT", default=60), 60)
PROMOTION_CLICKS_PER_IP_DAY = env.int("PROMOTION_CLICKS_PER_IP_DAY", default=10)
# Certification quizzes (training): attempts per person, course and day, and the wait
# after an attempt that did not pass (its score is not shown either).
TRAINING_QUIZ_ATTEMPTS_PER_DAY = env.int("TRAINING_QUIZ_ATTEMPTS_PER_DAY", default=3)
TRAINING_QUIZ_COOLDOWN_MINUTES = env.int("TRAINING_QUIZ_COOLDOWN_MINUTES", default=30)
# The application form /apply/ (partners): confirmations per e-mail address and window
# (seconds). Fails closed: with Redis unreachable the application is kept, no mail is sent.
PARTNERS_APPLY_RECIPIENT_LIMIT = (env.int("PARTNERS_APPLY_RECIPIENT_LIMIT", default=3), 24 * 3600)
# Uploaded images: pixels decoded per request in total (prm.files.uploads; one image may have up to
# PRM_UPLOAD_MAX_PIXELS or the field's own cap).
PRM_REQUEST_MAX_PIXELS = env.int("PRM_REQUEST_MAX_PIXELS", default=60_000_000)
# Money is counted only after review (incentives): a won amount above the approved amount
# goes back to review; one above this multiple of the approved amount is refused.
PRM_DEAL_WON_MAX_RATIO = env.float("PRM_DEAL_WON_MAX_RATIO", default=3.0)
# Personal data (APPI, docs/privacy.md). The recipient named in third-party provision
# records (the vendor's legal name); how long those records are kept (at least 3 years);
# how long a lost, expired or rejected deal keeps its customer contact before it is
# anonymised; the response target for requests from people concerned, in Japanese business
# days (the Act itself says "without delay"); partner exports.
PRM_VENDOR_NAME = env("PRM_VENDOR_NAME", default="")
PRM_PROVISION_RECORD_YEARS = env.int("PRM_PROVISION_RECORD_YEARS", default=3)
PRM_CONTACT_RETENTION_DAYS = env.int("PRM_CONTACT_RETENTION_DAYS", default=365)
# Leads (leads app): business days a partner has to accept or decline an offered lead, and
# days after a lead is closed (converted, disqualified) or left unrouted before its customer
# contact is anonymised.
PRM_LEAD_SLA_BUSINESS_DAYS = env.int("PRM_LEAD_SLA_BUSINESS_DAYS", default=2)
PRM_LEAD_RETENTION_DAYS = env.int("PRM_LEAD_RETENTION_DAYS", default=365)
PRM_DATA_REQUEST_BUSINESS_DAYS = env.int("PRM_DATA_REQUEST_BUSINESS_DAYS", default=10)
PRM_DATA_REQUEST_REMIND_BUSINESS_DAYS = env.int("PRM_DATA_REQUEST_REMIND_BUSINESS_DAYS", default=2)
PRM_PARTNER_EXPORT_DAYS = env.int("PRM_PARTNER_EXPORT_DAYS", default=14)
PRM_PARTNER_EXPORT_INLINE_ROWS = env.int("PRM_PARTNER_EXPORT_INLINE_ROWS", default=2000)

# --- Partner API and webhooks ---------------------------------------------------------
# Personal tokens (api.models.ApiToken) act as their user; errors in one JSON shape
# (api.errors); cursor pages (api.pagination); the schema is OpenAPI 3.1 (drf-spectacular).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Portal API",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "DESCRIPTION": "See docs/integrations.md: tokens, scopes, errors, pagination, sync and webhooks.",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts them inside the operation's button (nested controls).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "persistAuthorization": False, "tryItOutEnabled": False},
    "ENUM_NAME_OVERRIDES": {
        "DealStageEnum": "incentives.models.Deal.Stage",
        "OpenDealStageEnum": "api.serializers.OPEN_STAGE_CHOICES",
        "ContentStageEnum": "content.models.Stage",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}
# Requests per token per minute (429 with Retry-After beyond); failed token checks per IP.
PRM_API_RATE_LIMIT = env.int("PRM_API_RATE_LIMIT", default=600)
PRM_API_AUTH_FAILURES_PER_MINUTE = env.int("PRM_API_AUTH_FAILURES_PER_MINUTE", default=30)
# Webhook delivery: seconds to wait for a receiver, and whether receivers may live on
# loopback or private networks (development and tests only: otherwise an endpoint URL could
# reach internal services).
PRM_WEBHOOK_TIMEOUT = env.float("PRM_WEBHOOK_TIMEOUT", default=10.0)
PRM_WEBHOOK_ALLOW_PRIVATE = env.bool("PRM_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
PRM_WEBHOOK_RETENTION_DAYS = env.int("PRM_WEBHOOK_RETENTION_DAYS", default=30)
# Seconds to wait after each failed attempt (8 attempts over about 27.5 hours), and before
# the minute sweep queues again a delivery whose task never ran.
PRM_WEBHOOK_RETRY_SCHEDULE = env.list(
    "PRM_WEBHOOK_RETRY_SCHEDULE", cast=int, default=[5, 300, 1800, 7200, 18000, 36000, 36000]
)
PRM_WEBHOOK_REQUEUE_AFTER = env.int("PRM_WEBHOOK_REQUEUE_AFTER", default=120)
# Payouts (payouts/, docs/payouts.md): the vendor as the payment notice names it (its legal
# name and qualified-invoice registration number, the notice's issuer), the days a partner
# has to object to a notice before it counts as confirmed (仕入明細書), and the vendor's side
# of the 全銀 transfer file (委託者コード from the bank, name in half-width katakana, the
# account the transfers leave from).
PRM_PAYOUT_ISSUER_NAME = env("PRM_PAYOUT_ISSUER_NAME", default="") or PRM_VENDOR_NAME
PRM_PAYOUT_ISSUER_REGISTRATION_NUMBER = env("PRM_PAYOUT_ISSUER_REGISTRATION_NUMBER", default="")
PRM_PAYOUT_OBJECTION_DAYS = env.int("PRM_PAYOUT_OBJECTION_DAYS", default=10)
PRM_ZENGIN_ORIGINATOR = {
    "code": env("PRM_ZENGIN_ORIGINATOR_CODE", default="0000000000"),
    "name": env("PRM_ZENGIN_ORIGINATOR_NAME", default=""),
    "bank_code": env("PRM_ZENGIN_BANK_CODE", default="0000"),
    "bank_name": env("PRM_ZENGIN_BANK_NAME", default=""),
    "branch_code": env("PRM_ZENGIN_BRANCH_CODE", default="000"),
    "branch_name": env("PRM_ZENGIN_BRANCH_NAME", default=""),
    "account_type": env("PRM_ZENGIN_ACCOUNT_TYPE", default="1"),
    "account_number": env("PRM_ZENGIN_ACCOUNT_NUMBER", default="0000000"),
}
