"""Loaded first (`-p tests.pytest_env`): the environment must be set before Django's
settings are read, which pytest-django does before any conftest runs."""

import os
from pathlib import Path

from devtools.servers import use_embedded_servers

ROOT = Path(__file__).resolve().parent.parent

os.environ["PRM_TESTING"] = "1"
os.environ.setdefault("DJANGO_DEBUG", "true")  # embedded servers unless URLs are given
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "test-media"))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM next to Playwright's loop
os.environ.pop("EMAIL_URL", None)  # tests read the locmem outbox
use_embedded_servers()  # DATABASE_URL and REDIS_URL, unless given
