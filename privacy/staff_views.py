"""Staff pages under /staff/privacy/: requests from people concerned, provision records,
partner data exports (channel managers)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from privacy import queries, registry, services
from privacy.filters import DataRequestFilterSet, ProvisionFilterSet
from privacy.forms import AssignForm, DataRequestForm, EraseForm, PartnerExportForm, StatusForm
from privacy.models import DataRequest
from privacy.tables import EXPORT_COLUMNS, PROVISION_COLUMNS, REQUEST_COLUMNS
from prm.audit.log import events_for
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.files.serving import serve
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import staff_required
from prm.ui.pagination import paginate, paginate_capped

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    return [
        {
            "label": _("Personal data (APPI)"),
            "url": reverse("privacy:requests"),
            "description": _(
                "Requests from people concerned with their deadlines, third-party provision records and "
                "partner data exports."
            ),
        }
    ]


# --- Requests from people concerned -----------------------------------------------------


def _with_flags(requests):
    today = timezone.localdate()
    for request in requests:
        request.overdue = request.is_overdue(today)
        yield request


@managers_only
def requests(request):
    filters = DataRequestFilterSet(
        request.GET or DataRequestFilterSet.DEFAULT, queryset=queries.requests_for_staff(request.user)
    )
    if request.GET.get("format") == "csv":
        qs = filters.qs
        return csv_export(
            "privacy-requests", REQUEST_COLUMNS, _with_flags(stream_rows(qs)), request=request, count=qs
        )
    page = paginate_capped(request, filters.qs)
    list(_with_flags(page))
    return render(
        request,
        "privacy/staff/requests.html",
        {
            "page": page,
            "form": filters.form,
            "columns": html_columns(REQUEST_COLUMNS),
            "target_days": services.request_business_days(),
            "tab": "requests",
        },
    )


@managers_only
def request_create(request):
    form = DataRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.data_request_create(actor=request.user, data=form.cleaned_data)
        except services.PrivacyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The request was recorded. Respond by %(date)s.")
                % {"date": created.due_on.strftime("%Y-%m-%d")},
            )
            return redirect("privacy:request_detail", pk=created.pk)
    return render(
        request,
        "privacy/staff/request_form.html",
        {"form": form, "target_days": services.request_business_days(), "tab": "requests"},
    )


def _staff_request(request, pk) -> DataRequest:
    return get_object_or_404(queries.requests_for_staff(request.user), pk=pk)


def _request_page(request, data_request, *, status_form=None, assign_form=None, status=200):
    found = queries.found_about(data_request, request.user)
    return render(
        request,
        "privacy/staff/request_detail.html",
        {
            "req": data_request,
            "overdue": data_request.is_overdue(),
            "status_form": status_form or StatusForm(request=data_request),
            "assign_form": assign_form or AssignForm(initial={"assignee": data_request.assignee_id}),
            "found": found,
            "can_erase": data_request.is_open
            and data_request.kind
            in (
                DataRequest.Kind.DELETION,
                DataRequest.Kind.CESSATION,
                DataRequest.Kind.STOP_PROVISION,
                DataRequest.Kind.CORRECTION,
            ),
            "history": events_for(data_request).order_by("created_at"),
            "tab": "requests",
        },
        status=status,
    )


@managers_only
def request_detail(request, pk):
    return _request_page(request, _staff_request(request, pk))


@require_POST
@managers_only
def request_status(request, pk):
    data_request = _staff_request(request, pk)
    form = StatusForm(request.POST, request=data_request)
    if not form.is_valid():
        return _request_page(request, data_request, status_form=form, status=400)
    try:
        services.data_request_transition(
            request=data_request,
            actor=request.user,
            to_status=form.cleaned_data["status"],
            note=form.cleaned_data.get("note", ""),
            identity_method=form.cleaned_data.get("identity_method", ""),
        )
    except services.PrivacyError as exc:
        form.add_error(None, str(exc))
        return _request_page(request, data_request, status_form=form, status=400)
    messages.success(request, _("The status was changed."))
    return redirect("privacy:request_detail", pk=pk)


@require_POST
@managers_only
def request_assign(request, pk):
    data_request = _staff_request(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _request_page(request, data_request, assign_form=form, status=400)
    try:
        services.data_request_assign(
            request=data_request, actor=request.user, assignee=form.cleaned_data["assignee"]
        )
    except services.PrivacyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The handler was changed."))
    return redirect("privacy:request_detail", pk=pk)


@require_POST
@managers_only
def request_erase(request, pk, finder):
    data_request = _staff_request(request, pk)
    spec = registry.subject_finder(finder)
    if spec is None or spec.erase is None:
        raise Http404
    # Only what the finder finds for this person in the user's own scope can be erased.
    (found,) = queries.found_about(data_request, request.user, only=spec.key)
    form = EraseForm(request.POST, found=found["rows"])
    if not form.is_valid():
        messages.error(request, _("Choose the records to anonymise."))
        return redirect("privacy:request_detail", pk=pk)
    try:
        count = services.data_request_erase(
            request=data_request, actor=request.user, finder=spec, ids=form.cleaned_data["ids"]
        )
    except services.PrivacyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s records were anonymised.") % {"n": count})
    return redirect("privacy:request_detail", pk=pk)


# --- Provision records --------------------------------------------------------------------


@managers_only
def provisions(request):
    filters = ProvisionFilterSet(request.GET or None, queryset=queries.provisions_for_staff(request.user))
    if request.GET.get("format") == "csv":
        qs = filters.qs
        return csv_export("provision-records", PROVISION_COLUMNS, stream_rows(qs), request=request, count=qs)
    page = paginate_capped(request, filters.qs)
    return render(
        request,
        "privacy/staff/provisions.html",
        {
            "page": page,
            "form": filters.form,
            "columns": html_columns(PROVISION_COLUMNS),
            "years": services.provision_years(),
            "tab": "provisions",
        },
    )


# --- Partner data exports -----------------------------------------------------------------


@managers_only
def exports(request):
    form = PartnerExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        export = services.partner_export_request(
            partner=form.cleaned_data["partner"], actor=request.user, reason=form.cleaned_data["reason"]
        )
        export.refresh_from_db()
        if export.status == export.Status.READY:
            messages.success(request, _("The export is ready; we also e-mailed you the link."))
        else:
            messages.success(request, _("The export is being prepared; we will e-mail you the link."))
        return redirect("privacy:exports")
    qs = queries.exports_for_staff(request.user)
    return render(
        request,
        "privacy/staff/exports.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "columns": html_columns(EXPORT_COLUMNS),
            "days": services.export_days(),
            "tab": "exports",
        },
    )


@managers_only
def export_download(request, pk):
    export = get_object_or_404(queries.exports_for_staff(request.user), pk=pk)
    if not export.downloadable:
        raise Http404
    services.partner_export_downloaded(export=export, actor=request.user)
    return serve(
        request, export.file, filename=export.file.name.rsplit("/", 1)[-1], content_type="application/zip"
    )
