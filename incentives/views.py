from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incentives import queries, services
from incentives.filters import DealFilterSet, StaffDealFilterSet
from incentives.forms import (
    DealCloseForm,
    DealForm,
    DealUpdateForm,
    OptInForm,
    ReviewForm,
)
from incentives.models import Deal, Earning, Statement
from incentives.tables import (
    DEAL_COLUMNS,
    EARNING_COLUMNS,
    PROGRAM_COST_COLUMNS,
    STAFF_DEAL_COLUMNS,
    STATEMENT_LINE_COLUMNS,
    TIER_CHANGE_COLUMNS,
    TIER_DISTRIBUTION_COLUMNS,
    TIER_MOVEMENT_COLUMNS,
)
from prm.access.scoping import scoped, viewer_scope
from prm.audit.log import events_for
from prm.cache import pagecache
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import ADMIN, partner_required, partners_for_staff, staff_required
from prm.ui.pagination import paginate, paginate_capped

# --- Partner: deals -------------------------------------------------------------------


@partner_required
def deals(request):
    qs = Deal.objects.for_partner(request.partner).select_related("product")
    filters = DealFilterSet(request.GET or None, queryset=qs)
    form, qs = filters.form, filters.qs
    if request.GET.get("format") == "csv":
        return csv_export("deals", DEAL_COLUMNS, stream_rows(qs), request=request, count=qs)
    main = pagecache.Fragment(request, "incentives:deals", "partner catalogue", request.GET.urlencode())
    page = pagecache.lazy(lambda: paginate(request, qs))  # read only when the fragment is rendered
    return render(
        request, "incentives/deals.html", {"page": page, "form": form, "active_nav": "deals", "main": main}
    )


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
    main = None
    if not form.is_bound:  # the empty form (its choices: products, the partner's campaigns)
        main = pagecache.Fragment(
            request, "incentives:deal-form", "partner catalogue", request.GET.get("campaign", "")
        )
    return render(request, "incentives/deal_form.html", {"form": form, "active_nav": "deals", "main": main})


def history_labels() -> dict:
    return {
        "deal.registered": _("Registration submitted"),
        "deal.updated": _("Details updated"),
        "deal.approved": _("Approved"),
        "deal.rejected": _("Rejected"),
        "deal.change_rejected": _("Change not accepted; the approved amount was restored"),
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


def _deal_page(request, deal, *, update_form=None, close_form=None, status=200, main=None):
    """The deal page: its fragment `main` (None with a form's errors: not cached)."""
    return render(
        request,
        "incentives/deal_detail.html",
        {
            "deal": deal,
            "update_form": update_form or pagecache.lazy(lambda: DealUpdateForm(instance=deal)),
            "close_form": close_form
            or pagecache.lazy(
                lambda: DealCloseForm(initial={"amount": deal.amount}, auto_id="close_%s", deal=deal)
            ),
            "history": pagecache.lazy(lambda: deal_history(deal)),
            "active_nav": "deals",
            "main": main,
        },
        status=status,
    )


def _partner_deal(request, pk):
    return get_object_or_404(
        Deal.objects.for_partner(request.partner).select_related("product", "registered_by"), pk=pk
    )


@partner_required
def deal_detail(request, pk):
    main = pagecache.Fragment(request, "incentives:deal", "partner catalogue", pk)
    deal = pagecache.object_or_404(
        request,
        "incentives:deal-row",
        pk,
        "partner catalogue",
        lambda: (
            Deal.objects.for_partner(request.partner)
            .select_related("product", "registered_by")
            .filter(pk=pk)
            .first()
        ),
    )
    return _deal_page(request, deal, main=main)


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
    form = DealCloseForm(request.POST, auto_id="close_%s", deal=deal)
    if not form.is_valid():
        return _deal_page(request, deal, close_form=form)
    won = form.cleaned_data["outcome"] == "won"
    try:
        services.deal_close(deal=deal, user=request.user, won=won, amount=form.cleaned_data.get("amount"),
                            reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
    else:
        deal.refresh_from_db()
        if won and deal.win_under_review:
            messages.success(
                request,
                _(
                    "Congratulations on the win! The amount is above the approved amount, so your channel "
                    "manager reviews it first; it counts toward your tier and incentives once approved."
                ),
            )
        else:
            messages.success(
                request, _("Congratulations on the win!") if won else _("The deal has been marked as lost.")
            )
    return redirect("incentives:deal_detail", pk=deal.pk)


# --- Partner: scorecard, statements, leaderboard --------------------------------------


SCORECARD_FIGURES = (
    "state",
    "current",
    "target",
    "progress",
    "gap",
    "downgrade_on",
    "series",
    "series_total",
)
SCORECARD_FIGURES += ("chart", "earnings", "last_run")


@partner_required
def scorecard(request):
    partner = request.partner
    main = pagecache.Fragment(request, "incentives:scorecard", "partner catalogue", timezone.localdate())
    queries.prefetch_scorecard(partner)
    tiers = queries.tiers()
    leaders, own_rank, peers = queries.cached_leaderboard(partner)

    def figures():
        """What the fragment shows: read only when it is rendered (a miss)."""
        state = queries.partner_tier_state(partner)
        current = state.tier if state else None
        target = queries.next_tier(tiers, current)
        series = queries.revenue_by_month(partner)
        return {
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
            "last_run": queries.last_recomputation(),
        }

    shown = pagecache.lazy(figures)
    context = {
        "tiers": tiers,
        "leaders": leaders,
        "own_rank": own_rank,
        "peers": peers,
        "opt_in_form": pagecache.lazy(
            lambda: OptInForm(initial={"opted_in": queries.leaderboard_opt_in(partner)})
        ),
        "active_nav": "incentives",
        "main": main,
        **{name: pagecache.lazy(lambda name=name: shown[name]) for name in SCORECARD_FIGURES},
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
        return csv_export("earnings", EARNING_COLUMNS, earnings)
    return render(
        request,
        "incentives/statements.html",
        {
            "page": pagecache.lazy(lambda: paginate(request, qs)),
            "earnings": pagecache.lazy(lambda: queries.earnings_to_date(request.partner)),
            "active_nav": "incentives",
            "main": pagecache.Fragment(request, "incentives:statements", "partner", request.GET.urlencode()),
        },
    )


@partner_required(role=ADMIN)
def statement_detail(request, pk):
    if request.GET.get("format") == "csv":
        statement = get_object_or_404(Statement.objects.for_partner(request.partner), pk=pk)
    else:
        main = pagecache.Fragment(request, "incentives:statement", "partner catalogue", pk)
        statement = pagecache.object_or_404(
            request,
            "incentives:statement-row",
            pk,
            "partner",
            lambda: Statement.objects.for_partner(request.partner).filter(pk=pk).first(),
        )
    lines = statement.earnings.select_related("program", "deal", "tier_change__to_tier").order_by("id")
    if request.GET.get("format") == "csv":
        return csv_export(f"statement-{statement.period:%Y-%m}", STATEMENT_LINE_COLUMNS, lines)
    return render(
        request,
        "incentives/statement_detail.html",
        {
            "statement": statement,
            "lines": lines,
            "active_nav": "incentives",
            "main": main,
        },
    )


# --- Plug-ins ---------------------------------------------------------------------------


def home_panel(request, partner):
    tiers = queries.tiers()
    if not tiers:
        return None
    state = queries.cached_partner_tier_state(partner)  # shared with the other panels' tier rank
    current = state.tier if state else None
    target = queries.next_tier(tiers, current)
    return (
        "incentives/home_panel.html",
        {
            "current": current,
            "target": target,
            "gap": queries.gap_in_words(state, target) if target else "",
            "open_deals": queries.open_deal_count(partner),
        },
    )


STAFF_LINK_COUNT_CAP = 1000


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    # The queue can hold 100,000 deals; the link on every staff home counts at most 1,000.
    submitted = scoped(Deal.objects.filter(status=Deal.Status.SUBMITTED), partners_for_staff(request.user))
    waiting = submitted[: STAFF_LINK_COUNT_CAP + 1].count()
    if waiting > STAFF_LINK_COUNT_CAP:
        label = _("Deal registrations (more than %(count)s to review)") % {
            "count": intcomma(STAFF_LINK_COUNT_CAP)
        }
    else:
        label = _("Deal registrations (%(count)s to review)") % {"count": waiting}
    return [
        {
            "label": label,
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
    return scoped(Deal.objects.all(), partners_for_staff(user)).select_related("partner", "product")


@managers_only
def staff_deals(request):
    filters = StaffDealFilterSet(
        request.GET or StaffDealFilterSet.DEFAULT, queryset=_staff_deals(request.user)
    )
    form, qs = filters.form, filters.qs
    now = timezone.now()
    sla_days = services.review_sla_days()

    def with_age(deals):
        for deal in deals:
            deal.age_days = (now - deal.created_at).days
            deal.overdue = deal.status == Deal.Status.SUBMITTED and deal.age_days >= sla_days
            yield deal

    if request.GET.get("format") == "csv":
        return csv_export(
            "deal-registrations", STAFF_DEAL_COLUMNS, with_age(stream_rows(qs)), request=request, count=qs
        )
    # The queue can hold 100,000 submitted deals: count at most 1,000 of them.
    page = paginate_capped(request, qs)
    list(with_age(page))
    # Each row is an exact fragment of its deal's partner (and the days it has waited).
    rows = pagecache.Rows(request, "incentives:review-row", page, vary=lambda deal: (deal.age_days, sla_days))
    return render(
        request,
        "incentives/staff/deals.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "sla_days": sla_days,
            "columns": html_columns(STAFF_DEAL_COLUMNS),
        },
    )


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
            elif deal.is_re_review:
                services.deal_reject(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The change was not accepted; the approved amount was restored."))
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
    lang_en = (request.LANGUAGE_CODE or "").startswith("en")
    export = request.GET.get("export")
    if export == "changes":
        changes = queries.tier_changes(visible)
        return csv_export(
            "tier-changes", TIER_CHANGE_COLUMNS, stream_rows(changes), request=request, count=changes
        )
    if export:
        overview = queries.tier_overview(visible, lang_en=lang_en)
        if export == "distribution":
            rows = [*overview.distribution, (None, overview.untiered)]
            return csv_export("tier-distribution", TIER_DISTRIBUTION_COLUMNS, rows)
        if export == "movements":
            return csv_export("tier-movements", TIER_MOVEMENT_COLUMNS, overview.movements)
        if export == "cost":
            return csv_export("program-cost", PROGRAM_COST_COLUMNS, overview.cost)
    # Figures over every partner in scope may lag: a fragment kept five minutes per viewer
    # scope (the page says when it was counted).
    main = pagecache.LaggingFragment(
        request, "incentives:overview", viewer_scope(request.user, visible), seconds=queries.OVERVIEW_SECONDS
    )
    overview = pagecache.lazy(lambda: queries.tier_overview(visible, lang_en=lang_en))
    return render(
        request,
        "incentives/staff/overview.html",
        {
            "main": main,
            **{name: pagecache.lazy(lambda name=name: getattr(overview, name)) for name in OVERVIEW_FIGURES},
            "recent": pagecache.lazy(lambda: queries.tier_changes(visible)[:20]),
            "movement_columns": html_columns(TIER_MOVEMENT_COLUMNS),
            "cost_columns": html_columns(PROGRAM_COST_COLUMNS),
            "last_run": pagecache.lazy(queries.last_recomputation),
        },
    )


OVERVIEW_FIGURES = ("distribution", "untiered", "movements", "cost", "cost_total")


@require_POST
@managers_only
def staff_recompute(request):
    """Recompute every partner's tier now (the same task as the nightly beat entry)."""
    from incentives import tasks

    tasks.recompute_tiers.delay_on_commit(actor_id=request.user.pk)
    messages.success(request, _("Tier recomputation has been started for every partner."))
    return redirect("incentives:staff_overview")
