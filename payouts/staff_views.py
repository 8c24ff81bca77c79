"""Finance pages of payouts under /staff/payouts/.

Who: finance (the `payouts.change_payout` permission, held by the "Finance" group) approves
statements and payee profiles, produces transfer files and records payments; channel
managers see their partners' statements (to answer questions) but cannot move money: the
people who approve earnings and claims are not the people who pay them.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payouts import queries, services
from payouts.forms import BuildForm, PaidForm, TransferForm
from payouts.models import PayeeProfile, Payout
from payouts.tables import PAYOUT_COLUMNS, UNPAID_CLAIM_COLUMNS, UNPAID_COLUMNS
from payouts.views import notice_language, notice_response
from prm.audit.log import audit
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.tenancy import staff_required
from prm.ui.pagination import paginate_capped

STATUSES = ("draft", "approved", "paid")


def staff_links(request):
    if not queries.can_view(request.user):
        return []
    return [
        {
            "label": _("Payouts"),
            "url": reverse("payouts:staff_list"),
            "description": _("Payment statements, payee profiles, transfer files and payments."),
        }
    ]


def finance_view(view=None, *, manage: bool = False):
    """Staff who may see payouts (finance and channel managers); `manage`: finance only."""

    def decorator(view_func):
        @staff_required
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            allowed = queries.can_manage(request.user) if manage else queries.can_view(request.user)
            if not allowed:
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


def _payout_or_404(user, pk) -> Payout:
    payout = queries.payouts_for_staff(user).filter(pk=pk).first()
    if payout is None:
        raise Http404
    return payout


@finance_view
def staff_list(request):
    status = request.GET.get("status", "draft")
    if status not in STATUSES:
        status = "draft"
    qs = queries.payouts_for_staff(request.user).filter(status=status).order_by("-period", "partner__name")
    if request.GET.get("format") == "csv":
        return csv_export(f"payouts-{status}", PAYOUT_COLUMNS, stream_rows(qs), request=request, count=qs)
    return render(
        request,
        "payouts/staff/list.html",
        {
            "status": status,
            "statuses": [(s, Payout.Status(s).label) for s in STATUSES],
            "page": paginate_capped(request, qs),
            "columns": html_columns(PAYOUT_COLUMNS),
            "totals": queries.finance_totals(request.user, until=services.month_end(timezone.localdate())),
            "build_form": BuildForm(initial={"period": timezone.localdate()}),
            "can_manage": queries.can_manage(request.user),
            "issuer_missing": not settings.PRM_PAYOUT_ISSUER_NAME,
        },
    )


@finance_view
def staff_unpaid(request):
    """Approved at the source, on no statement yet: earnings, or (`?source=claims`) MDF claims."""
    until = services.month_end(timezone.localdate())
    source = "claims" if request.GET.get("source") == "claims" else "earnings"
    if source == "claims":
        qs = queries.unpaid_claims(request.user, until=until).select_related("partner")
        columns = UNPAID_CLAIM_COLUMNS
    else:
        qs = queries.unpaid_earnings(request.user, until=until).select_related("statement__partner")
        columns = UNPAID_COLUMNS
    if request.GET.get("format") == "csv":
        return csv_export(f"payouts-unpaid-{source}", columns, stream_rows(qs), request=request, count=qs)
    return render(
        request,
        "payouts/staff/unpaid.html",
        {
            "source": source,
            "page": paginate_capped(request, qs),
            "columns": html_columns(columns),
            "totals": queries.finance_totals(request.user, until=until),
        },
    )


@require_POST
@finance_view(manage=True)
def staff_build(request):
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the month to build statements for."))
        return redirect("payouts:staff_list")
    result = services.payouts_build(period=form.cleaned_data["period"], actor=request.user)
    messages.success(request, _("%(n)s statements built for review.") % {"n": result["statements"]})
    return redirect(reverse("payouts:staff_list") + "?status=draft")


@finance_view
def staff_detail(request, pk):
    payout = _payout_or_404(request.user, pk)
    return render(
        request,
        "payouts/staff/detail.html",
        {
            "payout": payout,
            "lines": queries.lines_of(payout),
            "profile": PayeeProfile.objects.filter(partner_id=payout.partner_id).first(),
            "can_manage": queries.can_manage(request.user),
            "rate_editable": queries.can_manage(request.user) and payout.status == Payout.Status.DRAFT,
        },
    )


@require_POST
@finance_view(manage=True)
def staff_approve(request, pk):
    payout = _payout_or_404(request.user, pk)
    try:
        services.payout_approve(payout=payout, actor=request.user)
    except services.PayoutsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved. The payment notice is being sent to the partner's admins."))
    return redirect("payouts:staff_detail", pk=payout.pk)


@require_POST
@finance_view(manage=True)
def staff_line_rate(request, pk):
    line = queries.lines_for_staff(request.user).filter(pk=pk).first()
    if line is None:
        raise Http404
    try:
        rate = int(request.POST.get("rate", ""))
        services.payout_line_rate_set(line=line, rate=rate, actor=request.user)
    except (ValueError, services.PayoutsError) as exc:
        messages.error(
            request, str(exc) if isinstance(exc, services.PayoutsError) else _("Choose 10% or 8%.")
        )
    else:
        messages.success(request, _("Tax rate changed; the statement's tax was computed again."))
    return redirect("payouts:staff_detail", pk=line.payout_id)


@finance_view
def staff_notice(request, pk):
    payout = _payout_or_404(request.user, pk)
    return notice_response(payout, notice_language(request))


@finance_view(manage=True)
def staff_payees(request):
    qs = queries.profiles_for_staff(request.user).order_by("status", "partner__name")
    return render(
        request,
        "payouts/staff/payees.html",
        {"page": paginate_capped(request, qs)},
    )


@require_POST
@finance_view(manage=True)
def staff_payee_approve(request, pk):
    profile = queries.profiles_for_staff(request.user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    try:
        services.payee_profile_approve(profile=profile, actor=request.user)
    except services.PayoutsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The payee profile of %(partner)s is approved.") % {"partner": profile.partner}
        )
    return redirect("payouts:staff_payees")


@finance_view(manage=True)
def staff_transfers(request):
    waiting = queries.payouts_for_staff(request.user).filter(
        status=Payout.Status.APPROVED, batch__isnull=True
    )
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.transfer_batch_create(
                payouts=waiting, transfer_date=form.cleaned_data["transfer_date"], actor=request.user
            )
        except services.PayoutsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Transfer file created: %(n)s transfers.") % {"n": batch.count})
            return redirect("payouts:staff_transfer", pk=batch.pk)
    return render(
        request,
        "payouts/staff/transfers.html",
        {
            "form": form,
            "waiting": waiting.order_by("partner__name"),
            "page": paginate_capped(request, queries.batches()),
        },
    )


def _batch_or_404(pk):
    batch = queries.batches().filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@finance_view(manage=True)
def staff_transfer(request, pk):
    batch = _batch_or_404(pk)
    form = PaidForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        n = services.transfer_batch_paid(
            batch=batch,
            paid_on=form.cleaned_data["paid_on"],
            actor=request.user,
            payout_ids=[p.pk for p in form.cleaned_data["payouts"]],
        )
        messages.success(request, _("%(n)s statements recorded as paid.") % {"n": n})
        return redirect("payouts:staff_transfer", pk=batch.pk)
    return render(
        request,
        "payouts/staff/transfer.html",
        {"batch": batch, "form": form, "payouts": batch.payouts.select_related("partner").order_by("pk")},
    )


@require_POST
@finance_view(manage=True)
def staff_unbatch(request, pk):
    payout = _payout_or_404(request.user, pk)
    batch_id = payout.batch_id
    try:
        services.payout_unbatch(payout=payout, actor=request.user)
    except services.PayoutsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Statement %(number)s was taken out of the file.") % {"number": payout.number}
        )
    return (
        redirect("payouts:staff_transfer", pk=batch_id) if batch_id else redirect("payouts:staff_transfers")
    )


@finance_view(manage=True)
def staff_transfer_file(request, pk):
    batch = _batch_or_404(pk)
    audit(actor=request.user, action="transfer_batch.downloaded", target=batch)
    response = HttpResponse(bytes(batch.content), content_type="text/plain; charset=shift_jis")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
