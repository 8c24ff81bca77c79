"""Staff pages under /staff/imports/: upload a file, read its dry run row by row, confirm,
follow a large import's progress; templates and each kind's export (the round trip)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imports import queries, services, tables
from imports.forms import OutcomeFilterForm, UploadForm
from imports.kinds import KINDS
from imports.models import ImportJob
from imports.workbooks import template_file
from prm.exports.columns import csv_export
from prm.exports.streaming import stream_rows
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import staff_required
from prm.ui.pagination import DEFAULT_PER_PAGE, paginate

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))

EXPORTS = {
    "partners": (tables.partner_columns, queries.partners_export),
    "members": (tables.member_columns, queries.members_export),
    "deals": (tables.deal_columns, queries.deals_export),
    "certifications": (tables.certification_columns, queries.certifications_export),
    "leads": (tables.lead_columns, queries.leads_export),
    "assets": (tables.asset_columns, queries.assets_export),
}


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    return [
        {
            "label": _("Bulk import"),
            "url": reverse("imports:jobs"),
            "description": _("Bring partners, members and deals in from CSV or Excel, with a dry run first."),
        }
    ]


@managers_only
@require_http_methods(["GET", "POST"])
def jobs(request):
    # The admin's "Import" buttons open this page with their changelist's kind chosen.
    kind = request.GET.get("kind")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": kind} if kind in ImportJob.Kind.values else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                language=translation.get_language() or "ja",
            )
        except services.ImportsError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "imports/staff/jobs.html",
        {
            "form": form,
            "page": paginate(request, queries.jobs_for(request.user)),
            "kinds": [(key, kind.label) for key, kind in KINDS.items()],
        },
    )


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "pending": job.status in ImportJob.RUNNING}


@managers_only
@require_GET
def job(request, pk):
    job = get_object_or_404(queries.jobs_for(request.user), pk=pk)
    filters = OutcomeFilterForm(request.GET or None)
    action = filters.cleaned_data["action"] if filters.is_valid() else ""
    rows = [r for r in job.outcomes.get("rows", []) if not action or r["action"] == action]
    page = Paginator(rows, DEFAULT_PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row["sheet_label"] = KINDS[row["sheet"]].label
    return render(request, "imports/staff/job.html", {**_job_context(job), "filters": filters, "page": page})


@managers_only
@require_GET
def job_status(request, pk):
    """The progress fragment; htmx polls it every 2 s while a worker checks or imports."""
    job = get_object_or_404(queries.jobs_for(request.user), pk=pk)
    response = render(request, "imports/staff/job.html#status", _job_context(job))
    if not _job_context(job)["pending"]:
        response["HX-Refresh"] = "true"  # the rows are ready: show them
    return response


@managers_only
@require_POST
def job_confirm(request, pk):
    job = get_object_or_404(queries.jobs_for(request.user), pk=pk)
    try:
        services.import_job_confirm(job=job, user=request.user)
    except services.ImportsError as exc:
        messages.error(request, str(exc))
    return redirect("imports:job", pk=job.pk)


@managers_only
@require_GET
def template(request, kind, language, fmt):
    if kind not in ImportJob.Kind.values or language not in ("ja", "en") or fmt not in ("csv", "xlsx"):
        raise Http404
    if kind == "workbook" and fmt == "csv":
        raise Http404
    content, content_type, name = template_file(kind, language, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@managers_only
@require_GET
def export(request, kind):
    if kind not in EXPORTS:
        raise Http404
    columns, rows = EXPORTS[kind]
    qs = rows(request.user)
    return csv_export(f"import-{kind}", columns(), stream_rows(qs, chunk_size=500), request=request, count=qs)
