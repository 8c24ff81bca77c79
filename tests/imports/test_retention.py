"""Uploaded import files hold people's names and addresses: they and their rows' details are
deleted PRM_IMPORT_KEEP_DAYS after the upload; the job keeps its counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportJob
from imports.services import import_files_purge
from prm.files.storage import private_storage

pytestmark = pytest.mark.django_db


def _job(user, status, *, days_ago, language="en"):
    job = ImportJob(user=user, kind="members", filename="members.csv", language=language, total=1)
    job.outcomes = {
        "counts": {"new": 1, "update": 0, "skip": 0, "error": 0},
        "rows": [
            {"sheet": "members", "line": 2, "key": "hanako@kita.example.jp", "action": "new", "message": ""}
        ],
    }
    job.status = status
    job.file.save(
        "members.csv", SimpleUploadedFile("members.csv", b"email\nhanako@kita.example.jp\n"), save=False
    )
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return job


def test_old_files_and_row_details_go_the_counts_stay(world, client_for):
    keep = settings.PRM_IMPORT_KEEP_DAYS
    done = _job(world.manager_a, ImportJob.Status.DONE, days_ago=keep + 1)
    waiting = _job(world.manager_a, ImportJob.Status.CHECKED, days_ago=keep + 1, language="ja")
    running = _job(world.manager_a, ImportJob.Status.IMPORTING, days_ago=keep + 1)
    recent = _job(world.manager_a, ImportJob.Status.DONE, days_ago=keep - 1)
    names = {job.pk: job.file.name for job in (done, waiting, running, recent)}

    assert import_files_purge() == 2
    assert import_files_purge() == 0  # once
    for job in (done, waiting):
        job.refresh_from_db()
        assert not job.file and not private_storage().exists(names[job.pk])
        assert job.outcomes["rows"] == [] and job.outcomes["counts"]["new"] == 1
    assert waiting.status == ImportJob.Status.FAILED and "アップロード" in waiting.error
    for job in (running, recent):
        job.refresh_from_db()
        assert job.file and private_storage().exists(names[job.pk]) and job.outcomes["rows"]

    client = client_for(world.manager_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("imports:job", args=[done.pk])).content.decode()
    assert 'data-testid="import-purged"' in page and "hanako@kita.example.jp" not in page
    # A file no longer kept cannot be imported.
    response = client.post(reverse("imports:job_confirm", args=[waiting.pk]))
    assert response.status_code == 302
    assert ImportJob.objects.get(pk=waiting.pk).status == ImportJob.Status.FAILED


def test_the_purge_is_on_the_beat_schedule():
    assert settings.CELERY_BEAT_SCHEDULE["imports-purge-files"]["task"] == "imports.tasks.purge_files"
