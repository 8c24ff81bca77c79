"""Large CSV exports, written by a Celery worker (see prm.exports.streaming).

`export_job_start` (from a view's request) records who asked for which export (the view's
path and query string) and how many rows it has, queues `prm.tasks.run_export` and
redirects to the job's page, which shows progress (htmx, like the campaign kit) and then
the download. `export_job_run` calls the same view again in the worker, as the same user,
so the rows, columns, filters and permission checks are the ones of the direct download;
the CSV goes to the private storage, then the person gets an e-mail with the link.
`export_jobs_purge` deletes files and rows older than EXPORT_KEEP_DAYS (beat, daily).
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.backends.base import SessionBase
from django.core.files import File
from django.db import connections, transaction
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django_htmx.middleware import HtmxDetails

from prm.models import ExportJob
from prm.notifications.emails import send_to_user

logger = logging.getLogger("prm.exports")


def export_job_start(*, request, name: str, total: int):
    job = ExportJob.objects.create(
        user=request.user,
        name=name[:120],
        path=request.path,
        query=request.GET.urlencode(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total=total,
    )
    from prm import tasks  # noqa: PLC0415 - enqueues the tasks that run this module

    tasks.run_export.delay_on_commit(job_id=job.pk)
    return redirect("export_job", pk=job.pk)


class _Running:
    """What the re-called view sees as `request.export_job`: it reports progress on a
    connection of its own, outside the export's reading transaction, so the job page sees
    it at once."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.rows = 0
        self.connection = connections.create_connection(ExportJob.objects.db)

    def progress(self, rows: int) -> None:
        self.rows = rows
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ExportJob._meta.db_table} SET rows_written = %s WHERE id = %s",  # noqa: S608
                [rows, self.job.pk],
            )

    def close(self) -> None:
        self.connection.close()


def _request_for(job: ExportJob):
    # Django's request factory builds the request the view gets (django.test is loaded by every
    # process that loads the URLconf anyway: DRF's schema views import rest_framework.test).
    site = urlsplit(settings.SITE_URL)
    request = RequestFactory().get(
        job.path,
        data=None,
        QUERY_STRING=job.query,
        HTTP_HOST=site.netloc,
        **({"wsgi.url_scheme": "https"} if site.scheme == "https" else {}),
    )
    request.user = job.user
    request.session = SessionBase()
    request.htmx = HtmxDetails(request)
    request.LANGUAGE_CODE = job.language
    return request


def _call(request, job: ExportJob):
    """The export's view, or for the admin's "export selected rows" over a whole filtered
    changelist (a POST action), the action on that changelist's queryset."""
    match = resolve(job.path)
    if match.url_name and match.url_name.endswith("_changelist") and match.namespace == "admin":
        model = next(
            m
            for m in admin.site._registry
            if match.url_name == f"{m._meta.app_label}_{m._meta.model_name}_changelist"
        )
        model_admin = admin.site._registry[model]
        if not model_admin.has_view_permission(request):
            raise PermissionError("no view permission")
        changelist = model_admin.get_changelist_instance(request)
        export_csv = admin.site.get_action("export_csv")  # prm.admin's action of every changelist
        return export_csv(model_admin, request, changelist.get_queryset(request))
    return match.func(request, *match.args, **match.kwargs)


def export_job_run(*, job_id: int) -> None:
    """Write the export (again, if a worker died in the middle: the file is replaced)."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, rows_written=0)
    if not claimed:
        return  # done or failed already: a redelivered message
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    running = _Running(job)
    try:
        with translation.override(job.language), tempfile.TemporaryFile() as out:
            request = _request_for(job)
            request.export_job = running
            response = _call(request, job)
            if response.status_code != 200 or not response.streaming:
                raise PermissionError(f"the export answered {response.status_code}")
            # Not response.close(): that is the end of a web request (request_finished),
            # which would close this worker's database connection in the middle of its task.
            for chunk in response.streaming_content:
                out.write(chunk)
            out.seek(0)
            stamp = timezone.localdate().isoformat()
            job.file.save(f"{job.pk}/{job.name}-{stamp}.csv", File(out), save=False)
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        return
    finally:
        running.close()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        finished_at=timezone.now(),
        rows_written=running.rows,
    )
    export_job_mail(job_id=job.pk)


def export_job_mail(*, job_id: int) -> None:
    """The "your export is ready" e-mail, at most once (claimed in the same transaction)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("user").get(pk=job_id)
        if job.mailed_at is not None or job.status != ExportJob.Status.DONE:
            return
        url = settings.SITE_URL + reverse("export_job", args=[job.pk])
        send_to_user(job.user, stem="prm/emails/export_ready", context={"job": job, "url": url})
        job.mailed_at = timezone.now()
        job.save(update_fields=["mailed_at"])


def export_jobs_purge(*, now=None) -> int:
    """Delete exports (files and rows) older than EXPORT_KEEP_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PRM_EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)


def jobs_for(user):
    return ExportJob.objects.filter(user=user)
