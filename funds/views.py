"""The partner's MDF pages: balance, what is due, requests, claims and their files."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from funds import queries, services
from funds.forms import ClaimForm, RequestForm
from funds.models import ClaimFile, FundRequest
from funds.periods import Period
from funds.services import FundsError
from funds.tables import PARTNER_REQUEST_COLUMNS
from prm.exports.columns import csv_export
from prm.exports.streaming import stream_rows
from prm.files.serving import private_file_view, serve
from prm.tenancy import partner_required
from prm.ui.pagination import paginate


@partner_required
def index(request):
    partner = request.partner
    fund = queries.current_fund(partner)
    requests = queries.requests_of(partner)
    page = paginate(request, requests, per_page=20)
    return render(
        request,
        "funds/index.html",
        {
            "fund": fund,
            "period": Period(fund.period_start, fund.period_end) if fund else None,
            "due": queries.due_for(partner),
            "page": page,
            "totals": queries.partner_roi(requests),
            "funds": queries.funds_of(partner)[:8],
            "active_nav": "incentives",
        },
    )


@partner_required
def export(request):
    rows = queries.requests_of(request.partner)
    return csv_export("mdf-requests", PARTNER_REQUEST_COLUMNS, stream_rows(rows), request=request, count=rows)


@partner_required(role="admin")
def request_new(request):
    form = RequestForm(request.POST or None, partner=request.partner)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_submit(
                partner=request.partner, actor=request.user, fields=form.cleaned_data
            )
        except FundsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request was sent. Your channel manager will decide on it."))
            return redirect("funds:request", pk=created.pk)
    return render(
        request,
        "funds/request_form.html",
        {
            "form": form,
            "fund": queries.current_fund(request.partner),
            "decision_days": services.decision_days(),
            "active_nav": "incentives",
        },
    )


@partner_required(role="admin")
def request_edit(request, pk):
    fund_request = get_object_or_404(FundRequest.objects.for_partner(request.partner), pk=pk)
    if not fund_request.can_edit():
        messages.info(request, _("Only a request returned for changes can be changed."))
        return redirect("funds:request", pk=pk)
    form = RequestForm(request.POST or None, instance=fund_request, partner=request.partner)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.REQUEST_FIELDS}
        try:
            services.request_resubmit(fund_request=fund_request, actor=request.user, fields=fields)
        except FundsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changed request was sent again."))
            return redirect("funds:request", pk=pk)
    return render(
        request,
        "funds/request_form.html",
        {
            "form": form,
            "fund_request": fund_request,
            "fund": fund_request.fund,
            "decision_days": services.decision_days(),
            "active_nav": "incentives",
        },
    )


@require_POST
@partner_required(role="admin")
def request_withdraw(request, pk):
    fund_request = get_object_or_404(FundRequest.objects.for_partner(request.partner), pk=pk)
    try:
        services.request_withdraw(fund_request=fund_request, actor=request.user)
    except FundsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("funds:request", pk=pk)


@partner_required
def request_detail(request, pk):
    fund_request = get_object_or_404(queries.requests_of(request.partner), pk=pk)
    claim = queries.claim_of(fund_request)
    return render(
        request,
        "funds/request_detail.html",
        {
            "fund_request": fund_request,
            "claim": claim,
            "files": claim.files.all() if claim else [],
            "deals": queries.attributed_deals(fund_request)[:50],
            "spent": queries.spent_on(fund_request),
            "roi": queries.roi(fund_request.won, queries.spent_on(fund_request)),
            "history": queries.history_of(fund_request),
            "active_nav": "incentives",
        },
    )


@partner_required(role="admin")
def claim_new(request, pk):
    fund_request = get_object_or_404(
        FundRequest.objects.for_partner(request.partner).select_related("claim"), pk=pk
    )
    claim = queries.claim_of(fund_request)
    if not (fund_request.can_claim() or (claim is not None and claim.can_edit())):
        messages.info(request, _("There is no claim to send for this request now."))
        return redirect("funds:request", pk=pk)
    form = ClaimForm(request.POST or None, request.FILES or None, instance=claim, resubmit=claim is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if claim is None:
                services.claim_submit(
                    fund_request=fund_request,
                    actor=request.user,
                    fields=form.claim_fields(),
                    files=form.files_to_store(),
                )
            else:
                services.claim_resubmit(
                    claim=claim, actor=request.user, fields=form.claim_fields(), files=form.files_to_store()
                )
        except FundsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your claim was sent. Your channel manager will review it."))
            return redirect("funds:request", pk=pk)
    return render(
        request,
        "funds/claim_form.html",
        {"form": form, "fund_request": fund_request, "claim": claim, "active_nav": "incentives"},
    )


@private_file_view
@partner_required
def claim_file(request, pk):
    item = get_object_or_404(ClaimFile.objects.filter(claim__partner=request.partner), pk=pk)
    return serve(request, item.file, filename=item.name, content_type=item.content_type)
