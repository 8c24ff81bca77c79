"""A real Celery worker process for tests, on a private queue, against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start_worker(queue: str, *, env: dict | None = None, capture_output: bool = False) -> subprocess.Popen:
    """`celery worker -Q queue --pool solo` on the test database; `env` adds variables
    (e.g. a file mail backend). With capture_output the caller reads the log to check it."""
    worker_env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PRM_TESTING": "",
        "PRM_DATABASE_NAME": connection.settings_dict["NAME"],
        **(env or {}),
    }
    output = subprocess.PIPE if capture_output else subprocess.DEVNULL
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "prm",
        "worker",
        "-Q",
        queue,
        "--pool",
        "solo",
        "-l",
        "WARNING",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=worker_env,
        stdout=output,
        stderr=subprocess.STDOUT if capture_output else output,
    )


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
