"""A real Celery worker, against the real Redis broker, changes the real (test) database."""

import uuid

import pytest

from prm.tasks import heartbeat
from tests.celery_worker import start_worker, wait_for


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_and_the_database_shows_it(settings):
    from prm.models import Heartbeat

    queue = f"test-{uuid.uuid4().hex[:8]}"  # a private queue: no other worker takes it
    worker = start_worker(queue, capture_output=True)
    try:
        from prm.celery import app

        app.conf.task_always_eager = False
        heartbeat.apply_async(kwargs={"name": queue}, queue=queue)
        assert wait_for(lambda: Heartbeat.objects.filter(name=queue).exists())
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output


@pytest.mark.django_db
def test_heartbeat_runs_eagerly():
    assert heartbeat.delay().get()
