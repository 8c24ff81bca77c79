"""CSV exports stream their rows; large ones are written by a worker, with progress, and
e-mailed. The worker calls the same view as the same person (same rows, same checks)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from incentives.models import Deal
from prm.exports.jobs import export_jobs_purge
from prm.exports.streaming import stream_rows
from prm.models import AuditEvent, ExportJob
from tests.incentives.factories import DealFactory

pytestmark = pytest.mark.django_db


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_small_export_streams_rows_with_the_bom(world, client):
    DealFactory.create_batch(3, partner=world.partner_a, customer_company="=HYPERLINK(1)")
    client.force_login(world.admin_a)
    response = client.get(reverse("incentives:deals") + "?format=csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="deals-')
    rows = _rows(_body(response))
    assert len(rows) == 4  # header + 3
    assert all(
        row[rows[0].index(next(h for h in rows[0] if "顧客" in h or "Customer" in h))].startswith("'=")
        for row in rows[1:]
    )
    assert not ExportJob.objects.exists()


def test_stream_rows_fetches_in_chunks_with_server_side_cursors_disabled(world):
    DealFactory.create_batch(5, partner=world.partner_a)
    flag = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True  # as behind PgBouncer
    try:
        rows = stream_rows(Deal.objects.order_by("pk"), chunk_size=2)
        first = next(rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors WHERE NOT is_holdable")
            open_cursors = cursor.fetchone()[0]
        rest = list(rows)
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = flag
    assert open_cursors == 1  # a transaction-scoped cursor, not WITH HOLD
    assert [first.pk, *[d.pk for d in rest]] == list(Deal.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def small_threshold(settings):
    settings.PRM_EXPORT_BACKGROUND_ROWS = 2
    return settings


def test_a_large_export_runs_in_the_background_and_is_e_mailed(
    world, client, small_threshold, django_capture_on_commit_callbacks
):
    DealFactory.create_batch(3, partner=world.partner_a)
    DealFactory(partner=world.partner_b, customer_company="Other partner's customer")
    client.force_login(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("incentives:deals") + "?format=csv")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    assert (job.user, job.total, job.status, job.rows_written) == (world.admin_a, 3, "done", 3)
    download = client.get(reverse("export_job_download", args=[job.pk]))
    rows = _rows(_body(download) if download.streaming else download.content)
    assert len(rows) == 4
    assert "Other partner's customer" not in str(rows)
    # The same rows as a direct download.
    small_threshold.PRM_EXPORT_BACKGROUND_ROWS = 100
    assert _rows(_body(client.get(reverse("incentives:deals") + "?format=csv")))[1:] == rows[1:]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.admin_a.email]
    assert reverse("export_job", args=[job.pk]) in message.body


def test_the_job_page_shows_progress_then_the_download(world, client):
    job = ExportJob.objects.create(
        user=world.admin_a,
        name="deals",
        path="/deals/",
        language="ja",
        total=200,
        rows_written=50,
        status="running",
    )
    client.force_login(world.admin_a)
    page = client.get(reverse("export_job", args=[job.pk])).getvalue().decode()
    assert f'hx-get="{reverse("export_job_status", args=[job.pk])}"' in page
    assert 'max="100" value="25"' in page
    ExportJob.objects.filter(pk=job.pk).update(status="done", rows_written=200, file="exports/x.csv")
    fragment = client.get(reverse("export_job_status", args=[job.pk])).getvalue().decode()
    assert "hx-get" not in fragment and reverse("export_job_download", args=[job.pk]) in fragment


def test_a_failed_export_says_so(world, client, small_threshold, django_capture_on_commit_callbacks):
    job = ExportJob.objects.create(
        user=world.member_a, name="x", path="/staff/deals/", language="en", total=9
    )
    from prm.exports.jobs import export_job_run

    export_job_run(job_id=job.pk)  # a member is not staff: the view refuses, the job fails
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    client.force_login(world.member_a)
    assert "作成できませんでした" in client.get(reverse("export_job", args=[job.pk])).getvalue().decode()


def test_the_audit_log_export_is_audited_once_in_the_background(
    world, client, small_threshold, django_capture_on_commit_callbacks
):
    from prm.audit.log import audit

    for n in range(3):
        audit(actor=world.manager_a, action="test.event", partner=world.partner_a, n=n)
    client.force_login(world.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("staff_audit") + "?format=csv")
    assert ExportJob.objects.get().status == "done"
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


def test_admin_export_of_a_whole_changelist_runs_in_the_background(
    world, client, small_threshold, django_capture_on_commit_callbacks
):
    DealFactory.create_batch(3, partner=world.partner_a)
    client.force_login(world.superuser)
    url = reverse("admin:incentives_deal_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "export_csv",
                "select_across": "1",
                "index": "0",
                "_selected_action": [Deal.objects.first().pk],
            },
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.rows_written == 3


def test_old_exports_are_purged_with_their_files(world):
    from django.core.files.base import ContentFile

    job = ExportJob.objects.create(
        user=world.admin_a, name="deals", path="/deals/", language="ja", status="done"
    )
    job.file.save("old.csv", ContentFile(b"x"), save=True)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    storage, name = job.file.storage, job.file.name
    assert export_jobs_purge() == 1
    assert not ExportJob.objects.exists() and not storage.exists(name)
