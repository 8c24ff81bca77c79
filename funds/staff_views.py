"""Staff pages of the funds app under /staff/funds/: the decision queue, a request with its
claim and decision, funds per partner and period with ROI, a fund's ledger and adjustments."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from funds import queries, services
from funds.filters import StaffRequestFilterSet
from funds.forms import AdjustForm, DecisionForm, OpenFundForm
from funds.models import Claim, ClaimFile, Fund
from funds.periods import Period, period_of
from funds.services import FundsError
from funds.tables import FUND_COLUMNS, STAFF_REQUEST_COLUMNS
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.files.serving import private_file_view, serve
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate, paginate_capped

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def staff_links(request):
    if not (request.user.is_channel_manager or request.user.is_superuser):
        return []
    return [
        {
            "label": _("Market development funds"),
            "url": reverse("funds:staff_requests"),
            "description": _("MDF requests and claims to decide, funds per partner, ROI and adjustments."),
        }
    ]


def _with_due(requests):
    """The date each row waits for: the claim's decision when a claim is under review."""
    for row in requests:
        claim = queries.claim_of(row)
        row.due_on = (
            claim.decision_due_on
            if claim and claim.status == Claim.Status.SUBMITTED
            else (row.decision_due_on if row.status == row.Status.SUBMITTED else None)
        )
        row.overdue = row.due_on is not None and row.due_on < timezone.localdate()
        yield row


@managers_only
def staff_requests(request):
    visible = partners_for_staff(request.user)
    filters = StaffRequestFilterSet(
        request.GET or StaffRequestFilterSet.DEFAULT,
        queryset=queries.with_results(queries.staff_requests(visible)),
    )
    qs = filters.qs
    if request.GET.get("format") == "csv":
        return csv_export(
            "mdf-requests", STAFF_REQUEST_COLUMNS, _with_due(stream_rows(qs)), request=request, count=qs
        )
    page = paginate_capped(request, qs)
    list(_with_due(page))
    return render(
        request,
        "funds/staff/requests.html",
        {
            "page": page,
            "form": filters.form,
            "columns": html_columns(STAFF_REQUEST_COLUMNS),
            "decision_days": services.decision_days(),
        },
    )


def _staff_request(request, pk):
    visible = partners_for_staff(request.user)
    return get_object_or_404(queries.with_results(queries.staff_requests(visible)), pk=pk)


def _waiting_for(fund_request, claim) -> str:
    """What the manager decides on now: "claim", "request" or nothing."""
    if claim is not None and claim.status == Claim.Status.SUBMITTED:
        return "claim"
    return "request" if fund_request.status == fund_request.Status.SUBMITTED else ""


@managers_only
def staff_request(request, pk):
    fund_request = _staff_request(request, pk)
    claim = queries.claim_of(fund_request)
    deciding = _waiting_for(fund_request, claim)
    return render(
        request,
        "funds/staff/request.html",
        _detail_context(fund_request, claim, deciding, DecisionForm() if deciding else None),
    )


def _detail_context(fund_request, claim, deciding, form) -> dict:
    spent = queries.spent_on(fund_request)
    ceiling = None
    if deciding == "claim":
        ceiling = min(fund_request.approved_amount or 0, claim.actual_cost)
    return {
        "fund_request": fund_request,
        "claim": claim,
        "files": claim.files.all() if claim else [],
        "fund": fund_request.fund,
        "period": Period(fund_request.fund.period_start, fund_request.fund.period_end),
        "deals": queries.attributed_deals(fund_request)[:50],
        "spent": spent,
        "roi": queries.roi(fund_request.won, spent),
        "deciding": deciding,
        "ceiling": ceiling,
        "form": form,
        "history": queries.history_of(fund_request),
    }


@managers_only
@require_POST
def staff_decide(request, pk):
    fund_request = _staff_request(request, pk)
    claim = queries.claim_of(fund_request)
    deciding = _waiting_for(fund_request, claim)
    if not deciding:
        messages.info(request, _("This has been decided already."))
        return redirect("funds:staff_request", pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision, amount, comment = (form.cleaned_data[k] for k in ("decision", "amount", "comment"))
        try:
            _apply(deciding, decision, fund_request, claim, request.user, amount, comment)
        except FundsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your decision was saved and the partner was told."))
            return redirect("funds:staff_request", pk=pk)
    return render(
        request, "funds/staff/request.html", _detail_context(fund_request, claim, deciding, form), status=400
    )


def _apply(deciding, decision, fund_request, claim, actor, amount, comment) -> None:
    if deciding == "request":
        if decision == DecisionForm.APPROVE:
            services.request_approve(fund_request=fund_request, actor=actor, amount=amount, comment=comment)
        elif decision == DecisionForm.RETURN:
            services.request_return(fund_request=fund_request, actor=actor, comment=comment)
        else:
            services.request_reject(fund_request=fund_request, actor=actor, comment=comment)
    elif decision == DecisionForm.APPROVE:
        services.claim_approve(claim=claim, actor=actor, amount=amount, comment=comment)
    elif decision == DecisionForm.RETURN:
        services.claim_return(claim=claim, actor=actor, comment=comment)
    else:
        services.claim_reject(claim=claim, actor=actor, comment=comment)


@private_file_view
@managers_only
def staff_claim_file(request, pk):
    visible = partners_for_staff(request.user)
    item = get_object_or_404(ClaimFile.objects.filter(claim__partner__in=visible), pk=pk)
    return serve(request, item.file, filename=item.name, content_type=item.content_type)


def _period(request) -> Period:
    try:
        day = date.fromisoformat(request.GET.get("period", "")[:10])
    except ValueError:
        day = timezone.localdate()
    return period_of(day)


@managers_only
def staff_funds(request):
    visible = partners_for_staff(request.user)
    period = _period(request)
    funds = queries.staff_funds(visible, period_start=period.start)
    rois = queries.roi_by_partner(visible, period=period)

    def with_roi(rows):
        for fund in rows:
            fund.roi = rois.get(fund.partner_id, queries.NO_ROI)
            yield fund

    if request.GET.get("format") == "csv":
        return csv_export(
            f"mdf-funds-{period.start:%Y-%m}",
            FUND_COLUMNS,
            with_roi(stream_rows(funds)),
            request=request,
            count=funds,
        )
    page = paginate(request, funds, per_page=50)
    list(with_roi(page))
    previous, following = (
        period_of(period.start - timedelta(days=1)),
        period_of(period.end + timedelta(days=1)),
    )
    return render(
        request,
        "funds/staff/funds.html",
        {
            "page": page,
            "period": period,
            "previous": previous,
            "following": following,
            "totals": queries.fund_totals(funds),
            "columns": html_columns(FUND_COLUMNS),
            "open_form": OpenFundForm(partners=visible),
        },
    )


@managers_only
def staff_fund(request, pk):
    visible = partners_for_staff(request.user)
    fund = get_object_or_404(
        Fund.objects.filter(partner__in=visible).select_related("partner", "tier"), pk=pk
    )
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_adjust(
                partner=fund.partner,
                period_start=fund.period_start,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except FundsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The fund was adjusted."))
            return redirect("funds:staff_fund", pk=pk)
    return render(
        request,
        "funds/staff/fund.html",
        {
            "fund": fund,
            "period": Period(fund.period_start, fund.period_end),
            "entries": queries.ledger_of(fund),
            "requests": queries.with_results(fund.requests.select_related("claim")).order_by("-submitted_at"),
            "form": form,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@managers_only
@require_POST
def staff_fund_open(request):
    """Open (or add to) a partner's fund for the period shown."""
    visible = partners_for_staff(request.user)
    period = _period(request)
    form = OpenFundForm(request.POST, partners=visible)
    if form.is_valid():
        try:
            fund = services.fund_adjust(
                partner=form.cleaned_data["partner"],
                period_start=period.start,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except FundsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The fund was adjusted."))
            return redirect("funds:staff_fund", pk=fund.pk)
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect(f"{reverse('funds:staff_funds')}?period={period.start:%Y-%m-%d}")
