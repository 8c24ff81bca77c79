"""A real Celery worker is killed (SIGKILL) in the middle of sending a reminder; the next
sweep queues it again and a second worker sends it exactly once."""

import signal
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from promotion.models import ReminderLog
from tests.celery_worker import start_worker, wait_for
from tests.factories import MembershipFactory
from tests.promotion.factories import CampaignFactory


def worker_waits_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE '%%promotion_reminderlog%%'"
        )
        return cursor.fetchone()[0] > 0


def sent_mails(mail_dir: Path) -> int:
    return sum(p.read_text(errors="replace").count("Subject:") for p in mail_dir.glob("*.log"))


@pytest.mark.django_db(transaction=True)
def test_reminder_is_sent_once_after_a_worker_kill(settings, tmp_path):
    from prm.celery import app
    from promotion import tasks

    # No `world` here: a transactional test must not rely on rows a data migration made.
    partner = MembershipFactory(role="admin", partner__partner_type="delivery").partner
    today = timezone.localdate()
    campaign = CampaignFactory(
        starts_on=today, ends_on=today + timedelta(days=30), partner_types=["delivery"]
    )
    log = ReminderLog.objects.create(campaign=campaign, partner=partner, kind=ReminderLog.Kind.OPENS)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    release = threading.Event()
    locked = threading.Event()

    def hold_row_lock():
        with transaction.atomic():
            ReminderLog.objects.select_for_update().get(pk=log.pk)
            locked.set()
            release.wait(60)
        connection.close()

    app.conf.task_always_eager = False
    holder = threading.Thread(target=hold_row_lock)
    holder.start()
    workers = []
    try:
        assert locked.wait(10)
        workers.append(start_worker(queue, env={"EMAIL_URL": f"filemail:///{mail_dir}"}))
        tasks.send_reminder.apply_async(kwargs={"log_id": log.pk}, queue=queue)
        assert wait_for(worker_waits_on_lock), "the worker is inside the task, blocked on the row"
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=30)
        release.set()
        holder.join(10)
        time.sleep(1)
        log.refresh_from_db()
        assert log.sent_at is None and sent_mails(mail_dir) == 0  # the interrupted claim rolled back

        # The next sweep queues every unsent reminder again; a fresh worker sends it once.
        workers.append(start_worker(queue, env={"EMAIL_URL": f"filemail:///{mail_dir}"}))
        queued = [row.pk for row in ReminderLog.objects.filter(sent_at__isnull=True)]
        assert queued == [log.pk]
        for _ in range(2):  # the sweep's message and a late redelivery of the first one
            tasks.send_reminder.apply_async(kwargs={"log_id": log.pk}, queue=queue)
        assert wait_for(lambda: ReminderLog.objects.filter(pk=log.pk, sent_at__isnull=False).exists())
        assert wait_for(lambda: sent_mails(mail_dir) >= 1)
        time.sleep(2)
        assert sent_mails(mail_dir) == 1  # the partner has one admin: one e-mail, once
    finally:
        release.set()
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
