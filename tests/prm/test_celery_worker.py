"""A real Celery worker, against the real Redis broker, changes the real (test) database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from prm.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_and_the_database_shows_it(settings):
    from prm.models import Heartbeat

    queue = f"test-{uuid.uuid4().hex[:8]}"  # a private queue: no other worker takes it
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PRM_TESTING": "",
        "PRM_DATABASE_NAME": connection.settings_dict["NAME"],
    }
    worker = subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from prm.celery import app

        app.conf.task_always_eager = False
        heartbeat.apply_async(kwargs={"name": queue}, queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Heartbeat.objects.filter(name=queue).exists():
            time.sleep(0.2)
        assert Heartbeat.objects.filter(name=queue).exists()
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output


@pytest.mark.django_db
def test_heartbeat_runs_eagerly():
    assert heartbeat.delay().get()
