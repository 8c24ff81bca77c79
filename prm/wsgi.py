import os
from importlib import import_module
from pathlib import Path

# None of these imports a model or reads a setting: the settings are read, and the apps and
# their models loaded, by get_wsgi_application() below.
from django.apps import apps
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Build what every process would otherwise build on its first requests: the URL
    resolver and the compiled templates (Django's cached loader keeps them per process).

    gunicorn.conf.py preloads the app, so this runs once in the master and every worker,
    including one forked after a recycle, starts warm. Nothing here opens a database or
    Redis connection (a connection made before the fork would be shared by the workers)."""
    reverse("home")  # populates the resolver: every urlconf and view module is imported
    _import_lazy_backends()
    for code, _name in settings.LANGUAGES:  # loads every app's message catalogue
        with translation.override(code):
            translation.gettext("Home")
    django_engine = engines["django"].engine  # type: ignore[attr-defined]
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(p) / "templates" for p in _project_app_paths(Path(settings.BASE_DIR))]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            django_engine.get_template(path.relative_to(folder).as_posix())


def _import_lazy_backends() -> None:
    """Modules Django imports on the first request: the cache backends and their clients
    (django-redis alone takes about 130 ms) and the session engine. Importing them connects
    to nothing."""
    for config in settings.CACHES.values():
        import_string(config["BACKEND"])
        if client_class := config.get("OPTIONS", {}).get("CLIENT_CLASS"):
            import_string(client_class)
    import_module(settings.SESSION_ENGINE)


def _project_app_paths(base: Path) -> list[str]:
    """Our apps only: third-party templates may need tag libraries we do not install."""
    return [
        c.path
        for c in apps.get_app_configs()
        if Path(c.path).is_relative_to(base) and "site-packages" not in Path(c.path).parts
    ]


if os.environ.get("PRM_WARM_UP", "true") == "true":
    warm_up()
