from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from incentives import queries, services
from incentives.forms import (
    DealCloseForm,
    DealFilterForm,
    DealForm,
    DealUpdateForm,
    OptInForm,
    ReviewForm,
    StaffDealFilterForm,
)
from incentives.models import Deal, Earning, IncentiveProgram, PartnerTierState, Statement, Tier, TierChange
from prm.audit import events_for
from prm.exports import csv_response
from prm.models import CHANNEL_MANAGERS
from prm.pagination import paginate
from prm.tenancy import ADMIN, partner_required, partners_for_staff, staff_required

# --- Partner: deals -------------------------------------------------------------------


def _deal_row(deal):
    return [deal.pk, deal.customer_company, deal.customer_domain, deal.product.label, deal.amount, deal.currency,
            deal.get_stage_display(), deal.get_status_display(), deal.protected_until or "",
            deal.expected_close_date, deal.created_at.date()]  # fmt: skip


@partner_required
def deals(request):
    qs = Deal.objects.for_partner(request.partner).select_related("product")
    form = DealFilterForm(request.GET or None)
    qs = form.apply(qs)
    if request.GET.get("format") == "csv":
        header = [_("ID"), _("Customer"), _("Domain"), _("Product"), _("Amount"), _("Currency"), _("Stage"),
                  _("Review status"), _("Protected until"), _("Expected close"), _("Registered")]  # fmt: skip
        return csv_response("deals", header, (_deal_row(d) for d in qs.iterator()))
    page = paginate(request, qs)
    return render(request, "incentives/deals.html", {"page": page, "form": form, "active_nav": "deals"})


@partner_required
def deal_create(request):
    form = DealForm(
        request.POST or None, partner=request.partner, initial={"campaign": request.GET.get("campaign")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_register(partner=request.partner, user=request.user, data=form.cleaned_data)
        except services.IncentivesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your registration has been submitted and is under review by your channel manager."
                ),
            )
            return redirect("incentives:deal_detail", pk=deal.pk)
    return render(request, "incentives/deal_form.html", {"form": form, "active_nav": "deals"})


def history_labels() -> dict:
    return {
        "deal.registered": _("Registration submitted"),
        "deal.updated": _("Details updated"),
        "deal.approved": _("Approved"),
        "deal.rejected": _("Rejected"),
        "deal.won": _("Marked as won"),
        "deal.lost": _("Marked as lost"),
        "deal.protection_expired": _("Protection expired"),
    }


def deal_history(deal) -> list:
    labels = history_labels()
    events = list(events_for(deal))
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


def _deal_page(request, deal, *, update_form=None, close_form=None, status=200):
    history = deal_history(deal)
    return render(
        request,
        "incentives/deal_detail.html",
        {
            "deal": deal,
            "update_form": update_form or DealUpdateForm(instance=deal),
            "close_form": close_form or DealCloseForm(initial={"amount": deal.amount}, auto_id="close_%s"),
            "history": history,
            "active_nav": "deals",
        },
        status=status,
    )


def _partner_deal(request, pk):
    return get_object_or_404(
        Deal.objects.for_partner(request.partner).select_related("product", "registered_by"), pk=pk
    )


@partner_required
def deal_detail(request, pk):
    return _deal_page(request, _partner_deal(request, pk))


@require_POST
@partner_required
def deal_update(request, pk):
    deal = _partner_deal(request, pk)
    form = DealUpdateForm(request.POST, instance=Deal.objects.get(pk=deal.pk))
    if not form.is_valid():
        return _deal_page(request, deal, update_form=form)
    try:
        services.deal_update(deal=deal, user=request.user, data=form.cleaned_data)
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The deal has been updated."))
    return redirect("incentives:deal_detail", pk=deal.pk)


@require_POST
@partner_required
def deal_close(request, pk):
    deal = _partner_deal(request, pk)
    form = DealCloseForm(request.POST, auto_id="close_%s")
    if not form.is_valid():
        return _deal_page(request, deal, close_form=form)
    won = form.cleaned_data["outcome"] == "won"
    try:
        services.deal_close(deal=deal, user=request.user, won=won, amount=form.cleaned_data.get("amount"),
                            reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Congratulations on the win!") if won else _("The deal has been marked as lost.")
        )
    return redirect("incentives:deal_detail", pk=deal.pk)


# --- Partner: scorecard, statements, leaderboard --------------------------------------


@partner_required
def scorecard(request):
    partner = request.partner
    tiers = list(Tier.objects.all())
    state = PartnerTierState.objects.filter(partner=partner).select_related("tier").first()
    current = state.tier if state else None
    target = queries.next_tier(tiers, current)
    series = queries.revenue_by_month(partner)
    leaders, own_rank, peers = queries.leaderboard(partner)
    last_run = services.RecomputationRun.objects.order_by("-started_at").first()
    context = {
        "tiers": tiers,
        "state": state,
        "current": current,
        "target": target,
        "progress": queries.progress_to(state, target) if target else [],
        "gap": queries.gap_in_words(state, target) if target else "",
        "downgrade_on": (state.downgrade_pending_since + timedelta(days=services.grace_days()))
        if state and state.downgrade_pending_since
        else None,
        "series": series,
        "series_total": sum((r for _m, r, _d in series), Decimal(0)),
        "chart": queries.revenue_chart_svg(series),
        "earnings": queries.earnings_to_date(partner),
        "leaders": leaders,
        "own_rank": own_rank,
        "peers": peers,
        "opt_in_form": OptInForm(initial={"opted_in": bool(state and state.leaderboard_opt_in)}),
        "last_run": last_run,
        "active_nav": "incentives",
    }
    return render(request, "incentives/scorecard.html", context)


@require_POST
@partner_required(role=ADMIN)
def leaderboard_opt_in(request):
    form = OptInForm(request.POST)
    form.is_valid()
    opted_in = form.cleaned_data.get("opted_in", False)
    services.leaderboard_opt_in_set(partner=request.partner, user=request.user, opted_in=opted_in)
    messages.success(
        request,
        _("Your company name is now shown on the leaderboard.")
        if opted_in
        else _("Your company name is now hidden on the leaderboard."),
    )
    return redirect(reverse("incentives:scorecard") + "#leaderboard")


@partner_required(role=ADMIN)
def statements(request):
    qs = Statement.objects.for_partner(request.partner).annotate(lines=Count("earnings")).order_by("-period")
    if request.GET.get("format") == "csv":
        earnings = (
            Earning.objects.for_partner(request.partner)
            .select_related("statement", "program", "deal", "tier_change__to_tier")
            .order_by("-statement__period", "id")
        )
        header = [
            pgettext("statement", "Period"),
            _("Status"),
            _("Program"),
            _("Kind"),
            _("For"),
            _("Basis (JPY)"),
            _("Amount (JPY)"),
        ]
        rows = (
            [e.statement.period.strftime("%Y-%m"), e.statement.get_status_display(), e.program.label,
             e.program.get_kind_display(),
             e.deal.customer_company if e.deal else (e.tier_change.to_tier.label if e.tier_change else ""),
             e.basis, e.amount]
            for e in earnings
        )  # fmt: skip
        return csv_response("earnings", header, rows)
    page = paginate(request, qs)
    earnings = queries.earnings_to_date(request.partner)
    return render(
        request,
        "incentives/statements.html",
        {"page": page, "earnings": earnings, "active_nav": "incentives"},
    )


@partner_required(role=ADMIN)
def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.for_partner(request.partner), pk=pk)
    lines = statement.earnings.select_related("program", "deal", "tier_change__to_tier").order_by("id")
    if request.GET.get("format") == "csv":
        header = [_("Program"), _("Kind"), _("Deal"), _("Basis (JPY)"), _("Amount (JPY)")]
        rows = (
            [e.program.label, e.program.get_kind_display(),
             e.deal.customer_company if e.deal else (e.tier_change.to_tier.label if e.tier_change else ""),
             e.basis, e.amount]
            for e in lines
        )  # fmt: skip
        return csv_response(f"statement-{statement.period:%Y-%m}", header, rows)
    return render(
        request,
        "incentives/statement_detail.html",
        {"statement": statement, "lines": lines, "active_nav": "incentives"},
    )


# --- Plug-ins ---------------------------------------------------------------------------


def home_panel(request, partner):
    tiers = list(Tier.objects.all())
    if not tiers:
        return None
    state = PartnerTierState.objects.filter(partner=partner).select_related("tier").first()
    current = state.tier if state else None
    target = queries.next_tier(tiers, current)
    return (
        "incentives/home_panel.html",
        {
            "current": current,
            "target": target,
            "gap": queries.gap_in_words(state, target) if target else "",
            "open_deals": Deal.objects.for_partner(partner).filter(stage__in=Deal.OPEN_STAGES).count(),
        },
    )


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    waiting = Deal.objects.filter(
        status=Deal.Status.SUBMITTED, partner__in=partners_for_staff(request.user)
    ).count()
    return [
        {
            "label": _("Deal registrations (%(count)s to review)") % {"count": waiting},
            "url": reverse("incentives:staff_deals"),
            "description": _("Review registrations, with conflict flags and waiting time."),
        },
        {
            "label": _("Tiers and incentives"),
            "url": reverse("incentives:staff_overview"),
            "description": _("Tier distribution, movements over time and program cost."),
        },
    ]


# --- Staff ----------------------------------------------------------------------------

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def _staff_deals(user):
    return Deal.objects.filter(partner__in=partners_for_staff(user)).select_related("partner", "product")


@managers_only
def staff_deals(request):
    data = request.GET.copy() if request.GET else {"status": Deal.Status.SUBMITTED}
    form = StaffDealFilterForm(data)
    qs = _staff_deals(request.user).order_by("created_at", "id")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["conflict"]:
            qs = qs.filter(has_conflict=True)
        if form.cleaned_data["q"]:
            term = form.cleaned_data["q"]
            qs = qs.filter(Q(customer_company__icontains=term) | Q(customer_domain__icontains=term)
                           | Q(partner__name__icontains=term))  # fmt: skip
    now = timezone.now()
    if request.GET.get("format") == "csv":
        header = [_("ID"), _("Partner"), _("Customer"), _("Domain"), _("Product"), _("Amount"), _("Currency"),
                  _("Review status"), _("Possible conflict"), _("Waiting (days)"), _("Registered")]  # fmt: skip
        rows = (
            [d.pk, d.partner.name, d.customer_company, d.customer_domain, d.product.label, d.amount, d.currency,
             d.get_status_display(), _("Yes") if d.has_conflict else _("No"), (now - d.created_at).days,
             d.created_at.date()]
            for d in qs.iterator()
        )  # fmt: skip
        return csv_response("deal-registrations", header, rows)
    page = paginate(request, qs)
    sla_days = services.review_sla_days()
    for deal in page:
        deal.age_days = (now - deal.created_at).days
        deal.overdue = deal.status == Deal.Status.SUBMITTED and deal.age_days >= sla_days
    return render(request, "incentives/staff/deals.html", {"page": page, "form": form, "sla_days": sla_days})


@managers_only
def staff_deal_detail(request, pk):
    deal = _staff_deals(request.user).select_related("registered_by", "reviewed_by").filter(pk=pk).first()
    if deal is None:
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.deal_approve(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The registration has been approved."))
            else:
                services.deal_reject(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The registration has been rejected."))
        except services.IncentivesError as exc:
            messages.error(request, str(exc))
        return redirect("incentives:staff_deals")
    visible = partners_for_staff(request.user)
    conflicts = deal.conflicting_deals.filter(partner__in=visible).select_related("partner", "product")
    hidden_conflicts = deal.conflicting_deals.exclude(partner__in=visible).count()
    return render(
        request,
        "incentives/staff/deal_detail.html",
        {
            "deal": deal,
            "form": form,
            "conflicts": conflicts,
            "hidden_conflicts": hidden_conflicts,
            "history": deal_history(deal),
            "age_days": (timezone.now() - deal.created_at).days,
        },
    )


@managers_only
def staff_overview(request):
    visible = partners_for_staff(request.user)
    tiers = list(Tier.objects.all())
    counts = dict(
        PartnerTierState.objects.filter(partner__in=visible)
        .values("tier_id")
        .annotate(n=Count("pk"))
        .values_list("tier_id", "n")
    )
    distribution = [(t, counts.get(t.pk, 0)) for t in tiers]
    untiered = visible.count() - sum(n for _t, n in distribution)
    since = (timezone.localdate() - timedelta(days=365)).replace(day=1)
    movement_rows = (
        TierChange.objects.filter(partner__in=visible, effective_on__gte=since)
        .annotate(month=TruncMonth("effective_on"))
        .values("month")
        .annotate(
            upgrades=Count("pk", filter=Q(kind=TierChange.Kind.UPGRADE)),
            downgrades=Count("pk", filter=Q(kind=TierChange.Kind.DOWNGRADE)),
            pending=Count("pk", filter=Q(kind=TierChange.Kind.DOWNGRADE_PENDING)),
            initial=Count("pk", filter=Q(kind=TierChange.Kind.INITIAL)),
        )
        .order_by("-month")
    )
    cost_rows = (
        Earning.objects.filter(partner__in=visible)
        .values("program_id", "program__name_ja", "program__name_en", "program__kind")
        .annotate(
            partners=Count("partner_id", distinct=True),
            lines=Count("pk"),
            draft=Sum("amount", filter=Q(statement__status=Statement.Status.DRAFT)),
            approved=Sum("amount", filter=Q(statement__status=Statement.Status.APPROVED)),
            paid=Sum("amount", filter=Q(statement__status=Statement.Status.PAID)),
            total=Sum("amount"),
        )
        .order_by("program__name_ja")
    )
    kinds = dict(IncentiveProgram.Kind.choices)
    first, second = ("en", "ja") if (request.LANGUAGE_CODE or "").startswith("en") else ("ja", "en")
    cost = [
        {**row, "name": row[f"program__name_{first}"] or row[f"program__name_{second}"] or "",
         "kind": kinds.get(row["program__kind"], "")}
        for row in cost_rows
    ]  # fmt: skip
    recent = TierChange.objects.filter(partner__in=visible).select_related("partner", "from_tier", "to_tier")[
        :20
    ]
    export = request.GET.get("export")
    if export == "distribution":
        rows = [[t.label, n] for t, n in distribution] + [[_("No tier yet"), untiered]]
        return csv_response("tier-distribution", [_("Tier"), pgettext("count", "Partners")], rows)
    if export == "movements":
        header = [_("Month"), _("Upgrades"), _("Downgrades"), _("Pending downgrades"), _("Initial")]
        rows = [[r["month"].strftime("%Y-%m"), r["upgrades"], r["downgrades"], r["pending"], r["initial"]]
                for r in movement_rows]  # fmt: skip
        return csv_response("tier-movements", header, rows)
    if export == "changes":
        header = [
            _("Date"),
            _("Partner"),
            _("Change"),
            pgettext("tier change", "From"),
            pgettext("tier change", "To"),
            _("Metrics before"),
            _("Metrics after"),
        ]
        rows = (
            [c.effective_on, c.partner.name, c.get_kind_display(), c.from_tier.label if c.from_tier else "",
             c.to_tier.label if c.to_tier else "", c.metrics_before, c.metrics_after]
            for c in TierChange.objects.filter(partner__in=visible).select_related("partner", "from_tier", "to_tier")
        )  # fmt: skip
        return csv_response("tier-changes", header, rows)
    if export == "cost":
        header = [
            _("Program"),
            _("Kind"),
            pgettext("count", "Partners"),
            _("Draft"),
            _("Approved"),
            _("Paid"),
            _("Total (JPY)"),
        ]
        rows = [[c["name"], c["kind"], c["partners"], c["draft"] or 0, c["approved"] or 0, c["paid"] or 0,
                 c["total"] or 0] for c in cost]  # fmt: skip
        return csv_response("program-cost", header, rows)
    return render(
        request,
        "incentives/staff/overview.html",
        {
            "distribution": distribution,
            "untiered": untiered,
            "movements": list(movement_rows),
            "cost": cost,
            "cost_total": sum((c["total"] or 0 for c in cost), Decimal(0)),
            "recent": recent,
            "last_run": services.RecomputationRun.objects.order_by("-started_at").first(),
        },
    )


@require_POST
@managers_only
def staff_recompute(request):
    """Recompute every partner's tier now (the same task as the nightly beat entry)."""
    from incentives import tasks

    tasks.recompute_tiers.delay_on_commit(actor_id=request.user.pk)
    messages.success(request, _("Tier recomputation has been started for every partner."))
    return redirect("incentives:staff_overview")
