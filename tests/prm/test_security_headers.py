"""Security headers: a strict Content-Security-Policy everywhere, HTTPS-only settings and
a clean `check --deploy` whenever debug is off."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [p for p in ROOT.glob("**/templates") if ".venv" not in p.parts and "var" not in p.parts]


def production_env(**extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://prm:secret@db.internal:5432/prm",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "DJANGO_ALLOWED_HOSTS": "portal.example.com",
        "SITE_URL": "https://portal.example.com",
    }
    env.update(extra)
    return env


@pytest.mark.parametrize("site_url", ["https://portal.example.com", "http://portal.example.com"])
def test_check_deploy_is_clean_with_debug_off(site_url):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(SITE_URL=site_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db  # the sign-in page reads the routed identity providers (sso.middleware)
def test_pages_carry_a_strict_policy(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-src"] == "https://www.youtube-nocookie.com https://player.vimeo.com"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_handlers_styles_or_scripts():
    offenders = []
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    for folder in TEMPLATE_DIRS:
        for path in folder.glob("**/*.html"):
            if "emails" in path.parts:  # mail clients, not browsers under our policy
                continue
            text = path.read_text()
            if handler.search(text) or re.search(r"\sstyle\s*=", text) or "<style" in text:
                offenders.append(str(path.relative_to(ROOT)))
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and 'type="application/json"' not in tag:
                    offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert offenders == []
