from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incentives import queries, scorecard_sections, services
from incentives.filters import DealFilterSet
from incentives.forms import (
    DealCloseForm,
    DealCreditForm,
    DealForm,
    DealUpdateForm,
    ExtensionRequestForm,
    OptInForm,
)
from incentives.models import Deal, DealCredit, Earning, Statement
from incentives.tables import (
    DEAL_COLUMNS,
    EARNING_COLUMNS,
    STATEMENT_LINE_COLUMNS,
)
from prm.audit.log import events_for
from prm.cache import pagecache
from prm.exports.columns import csv_export
from prm.exports.streaming import stream_rows
from prm.tenancy import ADMIN, partner_required
from prm.ui.pagination import paginate

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
        "deal.extension_requested": _("Protection extension requested"),
        "deal.extension_approved": _("Protection extended"),
        "deal.extension_declined": _("Protection extension declined"),
        "deal.credit_added": _("Partner credited"),
        "deal.credit_removed": _("Partner credit removed"),
    }


def deal_history(deal) -> list:
    labels = history_labels()
    events = list(events_for(deal))
    for event in events:
        event.label = labels.get(event.action, event.action)
    return events


def _deal_page(
    request, deal, *, update_form=None, close_form=None, extension_form=None, status=200, main=None
):
    """The deal page: its fragment `main` (None with a form's errors: not cached)."""
    return render(
        request,
        "incentives/deal_detail.html",
        {
            "deal": deal,
            "extensions": pagecache.lazy(lambda: services.extension_state(deal)),
            "may_extend": request.membership.is_admin or deal.registered_by_id == request.user.pk,
            "extension_form": extension_form
            or pagecache.lazy(
                lambda: ExtensionRequestForm(
                    initial={"expected_close_date": deal.expected_close_date}, auto_id="ext_%s"
                )
            ),
            "credits": pagecache.lazy(lambda: list(queries.deal_credits(deal))),
            "sourcing_partner": request.partner,
            "may_manage_credits": request.membership.is_admin and deal.status != Deal.Status.REJECTED,
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
    # Per person too: the extension form is for partner admins and the person who registered it.
    main = pagecache.Fragment(request, "incentives:deal", "partner catalogue person", pk)
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
        services.deal_close(
            deal=deal,
            user=request.user,
            won=won,
            amount=form.cleaned_data.get("amount"),
            reason=form.cleaned_data.get("reason", ""),
        )
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


@require_POST
@partner_required
def deal_extension(request, pk):
    """Ask to extend the deal's protection (a partner admin or the person who registered it)."""
    deal = _partner_deal(request, pk)
    form = ExtensionRequestForm(request.POST, auto_id="ext_%s")
    if not form.is_valid():
        return _deal_page(request, deal, extension_form=form, status=400)
    try:
        services.extension_request(
            deal=deal,
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_close_date=form.cleaned_data["expected_close_date"],
        )
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Your request has been sent to your channel manager. We will e-mail you when it has been decided."
            ),
        )
    return redirect("incentives:deal_detail", pk=deal.pk)


def credit_from_form(request, deal, form) -> None:
    """Credit the partner a valid DealCreditForm names (the partner admin's and the staff page)."""
    data = form.cleaned_data
    services.deal_credit_add(deal=deal, partner=data["partner"], role=data["role"], actor=request.user)
    messages.success(request, _("The partner has been credited on this deal."))


@partner_required(role=ADMIN)
def deal_credits(request, pk):
    """The partner admin names further partners on the deal (influenced, delivered), or
    removes one. The credited partner sees only its credited-deals list."""
    deal = _partner_deal(request, pk)
    form = DealCreditForm(request.POST or None, partners=queries.credit_partner_choices(deal))
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                credit = get_object_or_404(DealCredit, deal=deal, pk=request.POST.get("remove") or 0)
                services.deal_credit_remove(credit=credit, actor=request.user)
                messages.success(request, _("The partner is no longer credited on this deal."))
                return redirect("incentives:deal_credits", pk=deal.pk)
            if form.is_valid():
                credit_from_form(request, deal, form)
                return redirect("incentives:deal_credits", pk=deal.pk)
        except services.IncentivesError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "incentives/deal_credits.html",
        {"deal": deal, "form": form, "credits": queries.deal_credits(deal), "active_nav": "deals"},
        status=400 if form.errors else 200,
    )


@partner_required
def credited_deals(request):
    """Deals other partners registered and credited this partner on: a minimal, read-only view."""
    page = paginate(request, queries.credited_deals(request.partner))
    return render(request, "incentives/credited_deals.html", {"page": page, "active_nav": "deals"})


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
SCORECARD_FIGURES += ("chart", "earnings", "last_run", "sections")


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
            "sections": scorecard_sections.sections(partner),  # the apps above: leads, ...
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


# --- Home panel (registered in IncentivesConfig.ready()) ---------------------------------


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
            "activation": queries.partner_activation(partner),
        },
    )
