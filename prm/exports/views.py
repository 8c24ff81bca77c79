"""The page of a background CSV export: progress while a worker writes it, then the download.
Only the person who asked for it sees it (another person's id is a 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from prm.exports.jobs import jobs_for
from prm.files.serving import private_file_view, serve
from prm.models import ExportJob


def _context(job: ExportJob) -> dict:
    return {"job": job, "pending": job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)}


@never_cache
@login_required
def export_job(request, pk):
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    return render(request, "prm/export_job.html", _context(job))


@never_cache
@login_required
def export_job_status(request, pk):
    """The progress fragment; htmx polls it every 2 s while the file is being written."""
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    return render(request, "prm/export_job.html#status", _context(job))


@private_file_view
@login_required
def export_job_download(request, pk):
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return serve(
        request, job.file, filename=job.file.name.rsplit("/", 1)[-1], content_type="text/csv; charset=utf-8"
    )
