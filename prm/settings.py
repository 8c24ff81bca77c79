"""Settings for the partner portal: one file, driven by the environment.

Variables (see README): DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL, EMAIL_URL, DEFAULT_FROM_EMAIL, SITE_URL, MEDIA_ROOT.
Each may also be given as <NAME>_FILE, a path whose contents are the value (secrets).
A git-ignored `.env` in the project root is read if present; real environment variables
win over it.
"""

import importlib
import os
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # setdefault: the real environment wins

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

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# --- Databases and broker -------------------------------------------------------------
# Unset URLs mean "start the embedded servers" in development; production must be explicit.
if "DATABASE_URL" in os.environ:
    DATABASES = {"default": env.db("DATABASE_URL")}
elif DEBUG:
    warnings.filterwarnings("ignore", module="platformdirs")
    from prm import devservices

    DATABASES = {"default": devservices.postgres_settings()}
else:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DJANGO_DEBUG is off (the embedded PostgreSQL is for development only)."
    )
# A test's real Celery worker points at the test database with this.
if "PRM_DATABASE_NAME" in os.environ:
    DATABASES["default"]["NAME"] = os.environ["PRM_DATABASE_NAME"]
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if "REDIS_URL" in os.environ:
    REDIS_URL = env("REDIS_URL")
elif DEBUG:
    from prm import devservices

    REDIS_URL = devservices.redis_url()
else:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DJANGO_DEBUG is off (the embedded Redis is for development only)."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "prm",
    "partners",
    "content",
    "onboarding",
    "incentives",
    "promotion",
    "threads",
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
    "guardian",
    "django_htmx",
    "template_partials",
    "bootstrap",
    "django_countries",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "prm.middleware.StaffMFARequiredMiddleware",
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
                "prm.context_processors.portal",
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
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Sign-up is by invitation or application only; the adapter enforces it.
ACCOUNT_ADAPTER = "prm.adapters.AccountAdapter"
# Accepting an invitation signs up with the invited address only (partners.signup).
ACCOUNT_FORMS = {"signup": "partners.signup.InvitedSignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("PRM_LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Partner Portal")
# Staff must enrol TOTP before using staff pages (see prm.middleware).
PRM_STAFF_MFA_REQUIRED = env.bool("PRM_STAFF_MFA_REQUIRED", default=not DEBUG)

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
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


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Database 0 is Celery's broker; the cache gets its own (tests another) so that
        # clearing a cache never drops queued tasks.
        "LOCATION": _redis_location(REDIS_URL, db=2 if TESTING else 1),
        "KEY_PREFIX": "prm-test" if TESTING else "prm",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = not DEBUG and SITE_URL.startswith("https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "SAMEORIGIN"  # PDFs are previewed in an iframe of our own pages

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Every app adds its schedules here; tasks are idempotent so a repeat is harmless.
CELERY_BEAT_SCHEDULE = {
    "prm-heartbeat": {"task": "prm.tasks.heartbeat", "schedule": crontab(minute="*/5")},
}

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
    },
}

# --- Portal ---------------------------------------------------------------------------
PRM_ONBOARDING_TARGET_DAYS = 60
PRM_LOGO_MAX_BYTES = 2 * 1024 * 1024
PRM_LOGO_SIZE = (400, 400)
# Feature apps plug into the portal without `prm` importing them: each may have a
# `<app>/portal.py` (constants only, no model imports) declaring
#   BEAT_SCHEDULE = {...}            Celery beat entries
#   HOME_PANELS = ["app.views.f"]    f(request, partner) -> (template, context) | None
#   STAFF_LINKS = ["app.views.g"]    g(request) -> [{"label", "url", "description"}]
FEATURE_APPS = ["partners", "content", "onboarding", "incentives", "promotion", "threads"]
PRM_HOME_PANELS: list[str] = []
PRM_STAFF_LINKS: list[str] = []
for _app in FEATURE_APPS:
    try:
        _portal = importlib.import_module(f"{_app}.portal")
    except ModuleNotFoundError:
        continue
    CELERY_BEAT_SCHEDULE.update(getattr(_portal, "BEAT_SCHEDULE", {}))
    PRM_HOME_PANELS += getattr(_portal, "HOME_PANELS", [])
    PRM_STAFF_LINKS += getattr(_portal, "STAFF_LINKS", [])
