"""A large import with the project's real Celery worker (tests/celery_worker.py), the real
Redis broker and the test database: the worker checks the file (the dry run, nothing
written), mails the result; once confirmed it imports in one transaction and mails the result,
the invitations and the reviewer's notices after the commit; a redelivered message changes
nothing."""

import email
import time
from email.header import decode_header, make_header

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devtools.import_sample import workbook
from imports import tasks
from imports.models import ImportJob
from imports.services import import_job_confirm, import_job_create
from incentives.models import Deal
from partners.models import Invitation, Partner
from prm.files.storage import private_storage
from prm.models import AuditEvent
from tests.celery_worker import start_worker, wait_for
from tests.factories import UserFactory
from tests.incentives.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def subjects(mail_dir) -> list[str]:
    """The subjects of every message the worker's file mail backend wrote."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for text in path.read_text(errors="replace").split("-" * 79):
            message = email.message_from_string(text.strip())
            if message["Subject"]:
                found.append(str(make_header(decode_header(message["Subject"]))))
    return found


def _status(job) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def test_a_large_workbook_is_checked_and_imported_by_a_real_worker(settings, tmp_path, celery_queue):
    settings.PRM_IMPORT_BACKGROUND_ROWS = 5
    ProductFactory(code="sample", name="Sample")
    user = UserFactory(is_staff=True, is_superuser=True, language="en")
    sample = workbook(2, product="sample", errors=False)  # 2 partners, 6 members, 10 deals
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = start_worker(
        celery_queue,
        env={
            "CELERY_TASK_DEFAULT_QUEUE": celery_queue,
            "PRM_IMPORT_BACKGROUND_ROWS": "5",
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "PRIVATE_MEDIA_ROOT": private_storage().location,  # where this process kept the file
        },
    )
    try:
        job = import_job_create(
            user=user, kind="workbook", upload=SimpleUploadedFile("big.xlsx", sample.content), language="en"
        )
        assert job.total == 18 and job.status == ImportJob.Status.PENDING  # left to the worker
        assert wait_for(lambda: _status(job) == ImportJob.Status.CHECKED), _status(job)
        job.refresh_from_db()
        assert job.rows_done == job.total and job.counts == {"new": 18, "update": 0, "skip": 0, "error": 0}
        assert not Partner.objects.exclude(external_id="").exists()  # the dry run wrote nothing
        assert wait_for(lambda: subjects(mail_dir) == ["“big.xlsx” was checked: review it before importing"])

        import_job_confirm(job=job, user=user)
        assert wait_for(lambda: _status(job) == ImportJob.Status.DONE), _status(job)
        assert Partner.objects.exclude(external_id="").count() == 2
        assert Invitation.objects.count() == 6 and Deal.objects.exclude(external_id="").count() == 10
        assert AuditEvent.objects.filter(action="import.completed").count() == 1
        # Mailed by the worker after the import committed: the result, the six invitations and
        # the reviewer's notice of each new registration (the registration form's mail).
        assert wait_for(lambda: len(subjects(mail_dir)) == 1 + 1 + 6 + 10), subjects(mail_dir)
        mailed = subjects(mail_dir)
        assert "“big.xlsx” was imported" in mailed
        assert sum("invited" in s or "招待" in s for s in mailed) == 6
        assert sum(s.startswith("New deal registration") for s in mailed) == 10

        # A redelivered message finds the job done: nothing is imported or mailed again.
        tasks.run_import.apply_async(kwargs={"job_id": job.pk}, queue=celery_queue)
        tasks.check_import.apply_async(kwargs={"job_id": job.pk}, queue=celery_queue)
        time.sleep(1)
        assert _status(job) == ImportJob.Status.DONE
        assert Partner.objects.exclude(external_id="").count() == 2 and len(subjects(mail_dir)) == 18
    finally:
        worker.terminate()
        worker.wait(timeout=30)
