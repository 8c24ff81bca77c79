"""Reads of the incentives app, shared by views, tasks and other apps (contracts)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import pygal
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pygal.style import Style

from incentives import rollups
from incentives.models import (
    Deal,
    DealCredit,
    Earning,
    IncentiveProgram,
    PartnerActivation,
    PartnerDealMonth,
    PartnerDealRollup,
    PartnerTierState,
    ProgramCost,
    ProtectionExtension,
    RecomputationRun,
    Statement,
    Tier,
    TierChange,
)
from incentives.normalise import company_key, domain_key
from partners.models import Application, Partner, PartnerType, Source
from privacy.queries import naming_person
from privacy.registry import Found
from prm.access.scoping import scoped
from prm.cache import pagecache
from prm.exports.streaming import stream_rows
from prm.i18n.formats import yen_short
from prm.ui import charts
from prm.ui.registry import BlockQuery

# Keys of the exact cached values below (prm.cache.pagecache), shared with `prefetch_scorecard`.
TIERS_KEY, LAST_RUN_KEY, TIER_STATE_KEY = "incentives:tiers", "incentives:last-run", "incentives:tier-state"

# --- Contracts for other apps ---------------------------------------------------------


def partner_tier_state(partner) -> PartnerTierState | None:
    """The partner's tier state with its tier: one indexed row, memoised on the partner
    object so that every panel of a page (and the tier rank of the audience rules) shares it."""
    if getattr(partner, "_tier_state", False) is not False:  # False: not read (tests reset it so)
        return partner._tier_state
    partner._tier_state = (
        PartnerTierState.objects.filter(partner_id=partner.pk).select_related("tier").first()
    )
    return partner._tier_state


def cached_partner_tier_state(partner) -> PartnerTierState | None:
    """`partner_tier_state(partner)` for pages: exact under the partner's and the catalogue's
    scopes (the state row, its tier's names), memoised on the partner object like the
    uncached one."""
    if getattr(partner, "_tier_state", False) is not False:  # False: not read (tests reset it so)
        return partner._tier_state
    partner._tier_state = pagecache.cached(
        TIER_STATE_KEY,
        (pagecache.partner(partner.pk), pagecache.catalogue()),
        lambda: PartnerTierState.objects.filter(partner_id=partner.pk).select_related("tier").first(),
    )
    return partner._tier_state


def open_deal_count(partner) -> int:
    """The partner's deal registrations in an open stage (exact: the partner's scope)."""
    return pagecache.cached(
        "incentives:open-deals",
        (pagecache.partner(partner.pk),),
        lambda: Deal.objects.for_partner(partner).filter(stage__in=Deal.OPEN_STAGES).count(),
    )


def partner_tier(partner) -> Tier | None:
    """The partner's current tier (None before the first recomputation or without tiers), from
    the cached state: every page's audience rules and panels share one read."""
    state = cached_partner_tier_state(partner)
    return state.tier if state else None


def tiers() -> list[Tier]:
    """Every tier in rank order (exact: the catalogue's scope)."""
    return pagecache.cached(TIERS_KEY, (pagecache.catalogue(),), lambda: list(Tier.objects.all()))


def partner_tier_map(partner_ids=None) -> dict[int, int]:
    """partner_id -> rank of the partner's current tier (partners without a tier are absent).

    With `partner_ids`, only those partners' rows are read (a page needs one partner's rank,
    not a dict of every partner)."""
    states = PartnerTierState.objects.filter(tier__isnull=False)
    if partner_ids is not None:
        states = states.filter(partner_id__in=partner_ids)
    return dict(states.values_list("partner_id", "tier__rank"))


def partner_tier_rank(partner) -> int | None:
    """Rank of one partner's current tier (None without a tier): one indexed row, memoised
    on the partner object so that every panel of a page shares it."""
    tier = partner_tier(partner)
    return tier.rank if tier else None


def partners_with_won_deals():
    """QuerySet of ids of partners with at least one counted (reviewed) won deal."""
    return Deal.objects.counted().order_by().values_list("partner_id", flat=True).distinct()


# --- Money in words -------------------------------------------------------------------


def jpy_short(amount) -> str:
    """3,200,000 -> "3.2M JPY" in English, "320万円" in Japanese (prm.i18n.formats.yen_short)."""
    return yen_short(amount)


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(list)s and %(last)s") % {"list": _(", ").join(parts[:-1]), "last": parts[-1]}


# --- Scorecard ------------------------------------------------------------------------


@dataclass
class Progress:
    key: str
    label: str
    current: object
    target: object
    display_current: str
    display_target: str
    percent: int
    met: bool


def tier_state_for(partner) -> PartnerTierState | None:
    """The partner's tier state with its tiers (None before the first recomputation)."""
    return PartnerTierState.objects.filter(partner=partner).select_related("tier", "qualified_tier").first()


def next_tier(tiers: list[Tier], current: Tier | None) -> Tier | None:
    rank = current.rank if current else -1
    return next((t for t in tiers if t.rank > rank), None)


def revenue_toward(state: PartnerTierState | None, tier: Tier) -> Decimal:
    """The revenue `tier`'s threshold compares (services.TierMetrics.revenue_for): the
    partner's own won revenue, plus what it influenced and delivered at the tier's weights."""
    if state is None:
        return Decimal(0)
    return (
        state.won_revenue
        + state.influenced_revenue * tier.influenced_weight
        + state.delivered_revenue * tier.delivered_weight
    )


def plan_approved_today(state: PartnerTierState | None) -> bool:
    """Whether the partner's approved business plans cover today (the span plans records)."""
    if state is None or state.plan_approved_from is None or state.plan_approved_until is None:
        return False
    return state.plan_approved_from <= timezone.localdate() <= state.plan_approved_until


def progress_to(state: PartnerTierState | None, tier: Tier) -> list[Progress]:
    revenue = revenue_toward(state, tier)
    deals = state.won_deals if state else 0
    people = state.certified_people if state else 0
    onboarded = state.onboarding_completed if state else False

    def pct(current, target):
        return 100 if not target else min(100, int(Decimal(current) * 100 / Decimal(target)))

    rows = [
        Progress(
            "won_revenue",
            _("Won revenue (12 months)"),
            revenue,
            tier.min_won_revenue,
            jpy_short(revenue),
            jpy_short(tier.min_won_revenue),
            pct(revenue, tier.min_won_revenue),
            revenue >= tier.min_won_revenue,
        ),
        Progress(
            "won_deals",
            _("Won deals (12 months)"),
            deals,
            tier.min_won_deals,
            str(deals),
            str(tier.min_won_deals),
            pct(deals, tier.min_won_deals),
            deals >= tier.min_won_deals,
        ),
        Progress(
            "certified_people",
            _("Certified people"),
            people,
            tier.min_certified_people,
            str(people),
            str(tier.min_certified_people),
            pct(people, tier.min_certified_people),
            people >= tier.min_certified_people,
        ),
    ]
    leads = state.converted_leads if state else 0
    if tier.min_converted_leads:
        rows.append(
            Progress(
                "converted_leads",
                _("Converted leads (12 months)"),
                leads,
                tier.min_converted_leads,
                str(leads),
                str(tier.min_converted_leads),
                pct(leads, tier.min_converted_leads),
                leads >= tier.min_converted_leads,
            )
        )
    if tier.requires_approved_plan:
        planned = plan_approved_today(state)
        rows.append(
            Progress(
                "approved_plan",
                _("Approved business plan"),
                planned,
                True,
                _("Yes") if planned else _("No"),
                _("Yes"),
                100 if planned else 0,
                planned,
            )
        )
    if tier.requires_onboarding:
        rows.append(
            Progress(
                "onboarding",
                _("Onboarding completed"),
                onboarded,
                True,
                _("Yes") if onboarded else _("No"),
                _("Yes"),
                100 if onboarded else 0,
                onboarded,
            )
        )
    return rows


def gap_in_words(state: PartnerTierState | None, tier: Tier) -> str:
    """ "2 more certified people and 3.2M JPY won revenue to reach Gold" (localised)."""
    revenue = revenue_toward(state, tier)
    deals = state.won_deals if state else 0
    people = state.certified_people if state else 0
    onboarded = state.onboarding_completed if state else False
    parts = []
    if people < tier.min_certified_people:
        n = tier.min_certified_people - people
        parts.append(
            ngettext("%(count)s more certified person", "%(count)s more certified people", n) % {"count": n}
        )
    if deals < tier.min_won_deals:
        n = tier.min_won_deals - deals
        parts.append(ngettext("%(count)s more won deal", "%(count)s more won deals", n) % {"count": n})
    if revenue < tier.min_won_revenue:
        parts.append(_("%(amount)s won revenue") % {"amount": jpy_short(tier.min_won_revenue - revenue)})
    leads = state.converted_leads if state else 0
    if leads < tier.min_converted_leads:
        n = tier.min_converted_leads - leads
        parts.append(
            ngettext("%(count)s more converted lead", "%(count)s more converted leads", n) % {"count": n}
        )
    if tier.requires_onboarding and not onboarded:
        parts.append(_("completing onboarding"))
    if tier.requires_approved_plan and not plan_approved_today(state):
        parts.append(_("an approved business plan"))
    if not parts:
        return _("You meet every threshold for %(tier)s; it will apply at the next recomputation.") % {
            "tier": tier.label
        }
    return _("%(gaps)s to reach %(tier)s") % {"gaps": join_words(parts), "tier": tier.label}


def revenue_by_month(
    partner, *, months: int = 12, today: date | None = None
) -> list[tuple[date, Decimal, int]]:
    """Counted won revenue (JPY) and won deals per month for the last `months` months, zeros
    included (the reviewed figure only: a win under review is not in it)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    rows = (
        Deal.objects.for_partner(partner)
        .counted()
        .filter(closed_on__gte=first, closed_on__lte=today)
        .annotate(month=TruncMonth("closed_on"))
        .values("month")
        .annotate(revenue=Sum("counted_amount_jpy"), deals=Count("pk"))
    )
    found = {r["month"]: (r["revenue"], r["deals"]) for r in rows}
    out, month = [], first
    while month <= today:
        revenue, deals = found.get(month, (Decimal(0), 0))
        out.append((month, revenue, deals))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def revenue_chart_svg(series: list[tuple[date, Decimal, int]]) -> str:
    """The bar chart of `series` (pygal SVG). Drawing it is most of the scorecard's own time,
    and it depends only on the figures and the language: drawn once per process for each."""
    return _revenue_chart_svg(
        tuple((m, Decimal(r), d) for m, r, d in series), translation.get_language() or ""
    )


@lru_cache(maxsize=256)
def _revenue_chart_svg(series: tuple, language: str) -> str:
    style = Style(
        background="transparent",
        plot_background="transparent",
        colors=("#0d6efd",),
        font_family="system-ui, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
    )
    chart = pygal.Bar(
        js=[],
        style=style,
        show_legend=False,
        height=260,
        width=720,
        disable_xml_declaration=True,
        x_label_rotation=40,
        truncate_label=-1,
        value_formatter=lambda v: f"{v:,.0f}",
        print_values=False,
        y_title=_("JPY"),
    )
    chart.title = _("Won revenue by month")
    chart.x_labels = [m.strftime("%Y-%m") for m, _r, _d in series]
    chart.add(_("Won revenue"), [float(r) for _m, r, _d in series])
    return charts.render(chart)


def earnings_to_date(partner) -> dict:
    """Earnings by statement status (JPY): draft (pending), approved, paid."""
    rows = Earning.objects.for_partner(partner).values("statement__status").annotate(total=Sum("amount"))
    out = {status: Decimal(0) for status in Statement.Status.values}
    for row in rows:
        out[row["statement__status"]] = row["total"] or Decimal(0)
    out["total"] = sum(out.values(), Decimal(0))
    return out


@dataclass
class LeaderRow:
    rank: int
    name: str
    tier: str
    won_revenue: Decimal
    won_deals: int
    is_self: bool
    named: bool

    @property
    def revenue_display(self) -> str:
        """`won_revenue|floatformat:0|intcomma` (the same in Japanese and English), without
        the template filters' cost on a part of the scorecard rendered at every request."""
        return f"{Decimal(self.won_revenue).quantize(Decimal(1), ROUND_HALF_UP):,}"


LEADERBOARD_SIZE = 10


def leaderboard(partner, *, size: int = LEADERBOARD_SIZE) -> tuple[list[LeaderRow], int | None, int]:
    """Rank among partners of the same type and region (country). Names only for opted-in partners.

    Returns (top rows, own rank or None, number of partners compared).
    """
    peers = _peers(partner)
    ordered = peers.select_related("partner", "tier").order_by("-won_revenue", "-won_deals", "partner_id")
    top = list(ordered[:size])
    own_rank = next((i for i, s in enumerate(top, start=1) if s.partner_id == partner.pk), None)
    if own_rank is None:
        own_rank = _own_rank(partner)
    rows = []
    for i, state in enumerate(top, start=1):
        is_self = state.partner_id == partner.pk
        named = is_self or state.leaderboard_opt_in
        rows.append(
            LeaderRow(
                rank=i,
                name=state.partner.name if named else _("Partner (name hidden)"),
                tier=state.tier.label if state.tier else "",
                won_revenue=state.won_revenue,
                won_deals=state.won_deals,
                is_self=is_self,
                named=named,
            )
        )
    return rows, own_rank, peers.count()


LEADERBOARD_SECONDS = 3600


def prefetch_tier_state(partner) -> None:
    """The partner's cached tier state (audience rules) joins the request's first batched read."""
    pagecache.want(TIER_STATE_KEY, (pagecache.partner(partner.pk), pagecache.catalogue()))


def prefetch_scorecard(partner) -> None:
    """The scorecard's values (exact and the leaderboard's lagging ranking) join the request's
    first batched cache read."""
    pagecache.want(TIERS_KEY, (pagecache.catalogue(),))
    pagecache.want(LAST_RUN_KEY, (pagecache.catalogue(),))
    prefetch_tier_state(partner)
    prefetch_leaderboard(partner)


def _leaderboard_keys(partner, size: int) -> tuple[str, str]:
    return (
        f"incentives:ranking:{partner.partner_type}:{partner.country}:{size}",
        f"incentives:own-rank:{partner.pk}",
    )


def prefetch_leaderboard(partner, *, size: int = LEADERBOARD_SIZE) -> None:
    for key in _leaderboard_keys(partner, size):
        pagecache.want_lagging(key, after=(pagecache.catalogue(),))


def last_recomputation():
    """The latest tier recomputation run (None before the first): exact under the catalogue,
    which every recomputation bumps."""
    return pagecache.cached(
        LAST_RUN_KEY,
        (pagecache.catalogue(),),
        lambda: RecomputationRun.objects.order_by("-started_at").first(),
    )


def leaderboard_opt_in(partner) -> bool:
    state = cached_partner_tier_state(partner)
    return bool(state and state.leaderboard_opt_in)


def cached_leaderboard(partner, *, size: int = LEADERBOARD_SIZE) -> tuple[list[LeaderRow], int | None, int]:
    """`leaderboard()` for the scorecard. The ranking (ids and figures over every peer: 3-4
    queries, ~20 ms at 10,000 partners) is a function of the last recomputation: it may lag
    (kept per segment at most an hour, and renewed by each recomputation, which bumps the
    catalogue; the page says when tiers were last recalculated). Names, opt-ins and tiers
    are read live for the rows shown (one query), so a peer's new name or opt-out shows at
    once."""
    after = (pagecache.catalogue(),)

    def ranking():
        peers = _peers(partner)
        ordered = peers.order_by("-won_revenue", "-won_deals", "partner_id")
        top = list(ordered.values_list("partner_id", "tier_id", "won_revenue", "won_deals")[:size])
        return top, peers.count()

    ranking_key, own_key = _leaderboard_keys(partner, size)
    prefetch_leaderboard(partner, size=size)
    top, count = pagecache.lagging(ranking_key, ranking, seconds=LEADERBOARD_SECONDS, after=after)
    own_rank = next((i for i, row in enumerate(top, start=1) if row[0] == partner.pk), None)
    if own_rank is None:
        own_rank = pagecache.lagging(
            own_key, lambda: _own_rank(partner), seconds=LEADERBOARD_SECONDS, after=after
        )
    live = {
        pk: (name, opt_in)
        for pk, name, opt_in in PartnerTierState.objects.filter(
            partner_id__in=[row[0] for row in top], partner__status__in=Partner.PORTAL_STATUSES
        ).values_list("partner_id", "partner__name", "leaderboard_opt_in")
    }
    tier_by_id = {t.pk: t for t in tiers()}
    rows = []
    for rank, (partner_id, tier_id, won_revenue, won_deals) in enumerate(top, start=1):
        if partner_id not in live:  # left the portal since the recomputation
            continue
        name, opt_in = live[partner_id]
        is_self = partner_id == partner.pk
        named = is_self or opt_in
        tier = tier_by_id.get(tier_id)
        rows.append(
            LeaderRow(
                rank=rank,
                name=name if named else _("Partner (name hidden)"),
                tier=tier.label if tier else "",
                won_revenue=won_revenue,
                won_deals=won_deals,
                is_self=is_self,
                named=named,
            )
        )
    return rows, own_rank, count


def _peers(partner):
    return PartnerTierState.objects.filter(
        partner__partner_type=partner.partner_type,
        partner__country=partner.country,
        partner__status__in=Partner.PORTAL_STATUSES,
    )


def _own_rank(partner) -> int | None:
    peers = _peers(partner)
    own = peers.filter(partner=partner).first()
    if own is None:
        return None
    ahead = peers.filter(
        Q(won_revenue__gt=own.won_revenue)
        | Q(won_revenue=own.won_revenue, won_deals__gt=own.won_deals)
        | Q(won_revenue=own.won_revenue, won_deals=own.won_deals, partner_id__lt=own.partner_id)
    )
    return ahead.count() + 1


# --- Staff tier overview ------------------------------------------------------------------


OVERVIEW_SECONDS = 300


@dataclass
class TierOverview:
    distribution: list  # (tier, partners)
    untiered: int
    movements: list  # dicts: month, upgrades, downgrades, pending, initial
    cost: list  # dicts: name, kind, partners, lines, draft, approved, paid, total
    cost_total: Decimal


def tier_overview(visible, *, lang_en: bool) -> TierOverview:
    """Tier distribution, monthly movements (last 12 months) and program cost of `visible` partners."""
    counts = dict(
        scoped(PartnerTierState.objects.all(), visible)
        .values("tier_id")
        .annotate(n=Count("pk"))
        .values_list("tier_id", "n")
    )
    distribution = [(t, counts.get(t.pk, 0)) for t in Tier.objects.all()]
    untiered = visible.count() - sum(n for _t, n in distribution)
    since = (timezone.localdate() - timedelta(days=365)).replace(day=1)
    movements = (
        scoped(TierChange.objects.filter(effective_on__gte=since), visible)
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
    cost = program_cost(visible, lang_en=lang_en)
    return TierOverview(
        distribution=distribution,
        untiered=untiered,
        movements=list(movements),
        cost=cost,
        cost_total=sum((c["total"] or Decimal(0) for c in cost), Decimal(0)),
    )


def program_cost(visible, *, lang_en: bool) -> list[dict]:
    """Per program: partners, lines and amounts by statement status, from the ProgramCost
    roll-up (kept in step by the services that write earnings and statements)."""
    rows = (
        scoped(ProgramCost.objects.all(), visible)
        .values("program_id", "program__name_ja", "program__name_en", "program__kind")
        # `total` first: it sums the columns before `draft` & co. name the aggregates.
        .annotate(total=Sum(F("draft") + F("approved") + F("paid")))
        .annotate(
            partners=Count("partner_id"),
            lines=Sum("lines"),
            draft=Sum("draft"),
            approved=Sum("approved"),
            paid=Sum("paid"),
        )
        .order_by("program__name_ja")
    )
    return _named(rows, lang_en=lang_en)


def program_cost_from_earnings(visible, *, lang_en: bool) -> list[dict]:
    """`program_cost` aggregated from the earnings themselves (the roll-up's reference)."""
    rows = (
        Earning.objects.filter(partner__in=visible)
        .values("program_id", "program__name_ja", "program__name_en", "program__kind")
        .annotate(
            partners=Count("partner_id", distinct=True),
            lines=Count("pk"),
            draft=Sum("amount", filter=Q(statement__status=Statement.Status.DRAFT), default=0),
            approved=Sum("amount", filter=Q(statement__status=Statement.Status.APPROVED), default=0),
            paid=Sum("amount", filter=Q(statement__status=Statement.Status.PAID), default=0),
            total=Sum("amount"),
        )
        .order_by("program__name_ja")
    )
    return _named(rows, lang_en=lang_en)


def _named(rows, *, lang_en: bool) -> list[dict]:
    kinds = dict(IncentiveProgram.Kind.choices)
    first, second = ("en", "ja") if lang_en else ("ja", "en")
    return [
        {
            **row,
            "name": row[f"program__name_{first}"] or row[f"program__name_{second}"] or "",
            "kind": kinds.get(row["program__kind"], ""),
        }
        for row in rows
    ]


def tier_changes(visible):
    """Tier changes of `visible` partners, newest first (the model's ordering)."""
    return scoped(TierChange.objects.all(), visible).select_related("partner", "from_tier", "to_tier")


def open_registration_for(*, partner, customer_domain: str, customer_company: str, product_id) -> Deal | None:
    """The partner's own open registration (under review or approved) of the same customer
    (domain or normalised company name) and product, if any: a second one is usually the same
    opportunity registered twice (the API refuses it unless the client says otherwise)."""
    domain, key = domain_key(customer_domain), company_key(customer_company)
    same_customer = (Q(customer_domain=domain) if domain else Q(pk__in=[])) | (
        Q(company_key=key) if key else Q(pk__in=[])
    )
    return (
        Deal.objects.for_partner(partner)
        .filter(same_customer, product_id=product_id, stage__in=Deal.OPEN_STAGES)
        .filter(status__in=[Deal.Status.SUBMITTED, Deal.Status.APPROVED])
        .order_by("created_at", "id")
        .first()
    )


# --- Personal data (privacy.registry: the partner export, requests from people) -----------


def deals_for_export(partner):
    return stream_rows(
        Deal.objects.for_partner(partner)
        .select_related("product", "registered_by")
        .order_by("created_at", "pk"),
        chunk_size=2000,
    )


def earnings_for_export(partner):
    return stream_rows(
        Earning.objects.for_partner(partner)
        .select_related("statement", "program", "deal", "tier_change__to_tier")
        .order_by("statement__period", "pk"),
        chunk_size=2000,
    )


def deals_about(*, email: str, name: str, partner_ids):
    """Deal registrations naming the person as customer contact (by e-mail, or by name with
    spaces ignored), in the staff user's partners."""
    deals = naming_person(Deal.objects.all(), email=email, name=name)
    if partner_ids is not None:
        deals = deals.filter(partner_id__in=partner_ids)
    return [
        Found(
            "deals",
            d.pk,
            f"{d.customer_company} · {d.partner.name}",
            f"{d.contact_name} {d.contact_email} {d.contact_phone}".strip(),
            url=reverse("incentives:staff_deal_detail", args=[d.pk]),
            partner_id=d.partner_id,
        )
        for d in deals.select_related("partner").order_by("-created_at")[:100]
    ]


# --- Channel dashboard blocks (registered in apps.py; prm.ui.registry.BlockQuery) ----------


def deal_rollup_refreshed_at():
    """When the deal roll-ups were last rebuilt (None: never; incentives.rollups)."""
    return PartnerDealRollup.objects.order_by().values_list("refreshed_at", flat=True).first()


def deals_block(query: BlockQuery) -> dict:
    """Deals under review, open pipeline and deals won in the period, by tier and partner type,
    from the per-partner roll-ups (incentives.rollups) once built, else from the deals."""
    refreshed_at = deal_rollup_refreshed_at()
    if refreshed_at is None:
        return _deals_block(deals_pipeline_raw(query))
    return _deals_block(deals_pipeline_rollup(query), refreshed_at)


def _won_ranges(query: BlockQuery) -> tuple[date, date, list[tuple[date, date]]]:
    """Whole months inside the period come from the roll-up ([lo, hi) by month); the partial
    first month and the current month from the deals themselves, so that the period is exact
    to the day and deals won this month count at once."""
    start, today = query.start, query.today
    lo = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    hi = today.replace(day=1)
    if lo >= hi:
        return lo, lo, [(start, today)]
    return lo, hi, [(start, lo - timedelta(days=1)), (hi, today)]


def deals_pipeline_rollup(query: BlockQuery) -> list:
    """Rows (tier id, partner type, under review, open, pipeline, won, won amount) from the
    per-partner roll-up, the won-by-month roll-up and the won deals of the edge days
    (deal_counted_closed index), stacked per partner and joined to the partners once."""
    lo, hi, edges = _won_ranges(query)
    won_sql = " OR ".join(["(closed_on >= %s AND closed_on <= %s)"] * len(edges))
    scope, scope_params = query.partner_sql("x.partner_id")
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT s.tier_id, p.partner_type, SUM(x.submitted), SUM(x.open_count), SUM(x.open_amount),
               SUM(x.won_count), SUM(x.won_amount)
        FROM (
            SELECT partner_id, submitted, open_count, open_amount, 0 AS won_count, 0 AS won_amount
            FROM {PartnerDealRollup._meta.db_table}
            UNION ALL
            SELECT partner_id, 0, 0, 0, won_count, won_amount
            FROM {PartnerDealMonth._meta.db_table} WHERE month >= %s AND month < %s
            UNION ALL
            SELECT partner_id, 0, 0, 0, 1, counted_amount_jpy
            FROM {Deal._meta.db_table} WHERE stage = %s AND counted_amount_jpy IS NOT NULL AND ({won_sql})
        ) x
        JOIN {Partner._meta.db_table} p ON p.id = x.partner_id
        LEFT JOIN {PartnerTierState._meta.db_table} s ON s.partner_id = x.partner_id
        WHERE TRUE{scope}
        GROUP BY s.tier_id, p.partner_type"""  # noqa: S608
    params = [lo, hi, Deal.Stage.WON, *[day for edge in edges for day in edge], *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def deals_pipeline_raw(query: BlockQuery) -> list:
    """Open pipeline (approved, not closed), deals under review and deals won in the period,
    by tier and partner type. One query: each deal is hash-joined to its partner's type and
    tier state and counted into a handful of (tier, type) groups; no semi-join over all
    partners for a viewer who sees them all. The won part is a closed_on range
    (deal_counted_closed) and the open part a partial index (deal_open) for when those are the
    selective conditions; where most deals are open the planner scans the table once."""
    scope, scope_params = query.partner_sql("d.partner_id")
    St, Sg = Deal.Status, Deal.Stage
    open_sql = "(d.status = %s AND d.stage IN %s)"
    won_sql = (
        "(d.stage = %s AND d.counted_amount_jpy IS NOT NULL AND d.closed_on >= %s AND d.closed_on <= %s)"
    )
    open_p = [St.APPROVED, tuple(Deal.OPEN_STAGES)]
    won_p = [Sg.WON, query.start, query.today]
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT s.tier_id, p.partner_type,
               COUNT(*) FILTER (WHERE d.status = %s),
               COUNT(*) FILTER (WHERE {open_sql}),
               SUM(d.approved_amount_jpy) FILTER (WHERE {open_sql}),
               COUNT(*) FILTER (WHERE {won_sql}),
               SUM(d.counted_amount_jpy) FILTER (WHERE {won_sql})
        FROM {Deal._meta.db_table} d
        JOIN {Partner._meta.db_table} p ON p.id = d.partner_id
        LEFT JOIN {PartnerTierState._meta.db_table} s ON s.partner_id = d.partner_id
        WHERE (d.status = %s OR {open_sql} OR {won_sql}){scope}
        GROUP BY s.tier_id, p.partner_type"""  # noqa: S608
    params = [St.SUBMITTED, *open_p, *open_p, *won_p, *won_p, St.SUBMITTED, *open_p, *won_p, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _deals_block(rows, refreshed_at=None) -> dict:
    tiers = {t.pk: t for t in Tier.objects.all()} if rows else {}
    types = dict(PartnerType.choices)

    def order(row):
        tier = tiers.get(row[0])
        return (tier is None, tier.rank if tier else 0, row[1])

    out = [
        [
            str(tiers[tier_id]) if tier_id in tiers else "-",
            types.get(ptype, ptype),
            int(submitted),
            int(open_),
            int(pipeline or 0),
            int(won),
            int(won_amount or 0),
        ]
        for tier_id, ptype, submitted, open_, pipeline, won, won_amount in sorted(rows, key=order)
    ]
    return {
        "title": _("Deals and pipeline by tier and type"),
        "header": [
            _("Tier"),
            _("Partner type"),
            _("Under review"),
            _("Open deals"),
            _("Pipeline (JPY)"),
            _("Won in period"),
            _("Won (JPY)"),
        ],
        "rows": out,
        "labels": [f"{r[0]} / {r[1]}" for r in out],
        "series": {_("Pipeline (JPY)"): [r[4] for r in out], _("Won (JPY)"): [r[6] for r in out]},
        "detail_url": "incentives:staff_deals",
        "note": _(
            "Under review and open deals as of %(time)s (refreshed every hour); won deals are up to date."
        )
        % {"time": timezone.localtime(refreshed_at).strftime("%Y-%m-%d %H:%M")}
        if refreshed_at
        else "",
    }


def tiers_block(query: BlockQuery) -> dict:
    """Partners per tier now, and the tier movements recorded in the period."""
    counts = {
        r["tier_id"]: r["n"]
        for r in query.scoped(PartnerTierState.objects.all()).values("tier_id").annotate(n=Count("id"))
    }
    moves = {
        (r["to_tier_id"], r["kind"]): r["n"]
        for r in query.scoped(TierChange.objects.all())
        .filter(effective_on__gte=query.start, effective_on__lte=query.today)
        .values("to_tier_id", "kind")
        .annotate(n=Count("id"))
    }
    K = TierChange.Kind
    out = [
        [
            str(tier),
            counts.get(tier.pk, 0),
            moves.get((tier.pk, K.UPGRADE), 0),
            moves.get((tier.pk, K.DOWNGRADE), 0) + moves.get((tier.pk, K.DOWNGRADE_PENDING), 0),
        ]
        for tier in Tier.objects.order_by("rank")
    ]
    return {
        "title": _("Tier distribution and movements"),
        "header": [_("Tier"), _("Partners"), _("Moved up to it"), _("Moved down to it (incl. pending)")],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {_("Partners"): [r[1] for r in out]},
        "detail_url": "incentives:staff_overview",
    }


# --- Payouts (payouts/ pays approved statements) ------------------------------------------


def earnings_payable(*, until: date, partner_ids: Collection[int] | None = None) -> QuerySet[Earning]:
    """Lines of approved (reviewed, not yet paid) statements of months up to `until`: what
    payouts may put on a payment statement, with what its description needs."""
    qs = Earning.objects.filter(statement__status=Statement.Status.APPROVED, statement__period__lte=until)
    if partner_ids is not None:
        qs = qs.filter(statement__partner_id__in=partner_ids)
    return qs.select_related("statement", "program", "deal", "tier_change__to_tier").order_by(
        "statement__period", "pk"
    )


# --- Protection extensions -------------------------------------------------------------


def extension_queue(visible, *, decided: bool = False):
    """The staff queue: requests of the partners a manager sees, the oldest waiting first (or
    the decided ones, latest first). One query with the deal, its partner and the people."""
    qs = scoped(ProtectionExtension.objects.all(), visible)
    if decided:
        qs = qs.exclude(status=ProtectionExtension.Status.REQUESTED).order_by("-decided_at", "-id")
    else:
        qs = qs.filter(status=ProtectionExtension.Status.REQUESTED).order_by("created_at", "id")
    return qs.select_related("deal__partner", "deal__product", "requested_by", "decided_by")


def open_extension_count(visible, *, cap: int) -> int:
    return scoped(ProtectionExtension.objects.open(), visible)[: cap + 1].count()


# --- Credit for every partner on a deal --------------------------------------------------


def deal_credits(deal: Deal):
    return DealCredit.objects.filter(deal=deal).select_related("partner", "added_by").order_by("id")


def credited_deals(partner):
    """The deals `partner` is credited on by another partner: only what the credited partner
    may see (customer company, product, stage, the counted won figure). One query; never the
    registrant's name, contacts, domain, notes, amounts or history."""
    return (
        DealCredit.objects.for_partner(partner).select_related("deal__product").order_by("-created_at", "-id")
    )


def credit_partner_choices(deal: Deal, visible=None):
    """Partners that may be credited on `deal`: in the portal, not the registrant, not yet
    credited; for staff, only partners they see (`visible`); for a partner, the directory."""
    qs = Partner.objects.in_portal().exclude(pk=deal.partner_id).exclude(deal_credits__deal=deal)
    qs = qs.filter(directory_listed=True) if visible is None else qs.filter(pk__in=visible)
    return qs.order_by("name_kana", "name")


def credit_revenue(partner_ids=None, *, start: date, end: date) -> dict[str, tuple[int, Decimal]]:
    """Counted won deals closed in [start, end] and their reviewed figure, by credit: the
    partners' own ("sourced"), and those they are credited on ("influenced", "delivered").
    Two grouped queries; `partner_ids` None is every partner."""
    won = Deal.objects.counted().filter(closed_on__gte=start, closed_on__lte=end)
    credits = DealCredit.objects.filter(
        deal__stage=Deal.Stage.WON,
        deal__counted_amount_jpy__isnull=False,
        deal__closed_on__gte=start,
        deal__closed_on__lte=end,
    )
    if partner_ids is not None:
        won, credits = won.filter(partner_id__in=partner_ids), credits.filter(partner_id__in=partner_ids)
    sourced = won.aggregate(n=Count("id"), amount=Sum("counted_amount_jpy"))
    out = {"sourced": (sourced["n"], sourced["amount"] or Decimal(0))}
    for role in DealCredit.Role.values:
        out[role] = (0, Decimal(0))
    for row in (
        credits.order_by().values("role").annotate(n=Count("id"), amount=Sum("deal__counted_amount_jpy"))
    ):
        out[row["role"]] = (row["n"], row["amount"] or Decimal(0))
    return out


def credit_block(query: BlockQuery) -> dict:
    """Won revenue in the period by credit: sourced by the registering partner, influenced,
    delivered or implemented by a credited partner (reviewed figures only)."""
    figures = credit_revenue(query.partners, start=query.start, end=query.today)
    labels = {
        "sourced": _("Sourced (registered by the partner)"),
        "influenced": _("Influenced"),
        "delivered": _("Delivered / implemented"),
    }
    rows = [[labels[key], n, f"{amount:,.0f}"] for key, (n, amount) in figures.items()]
    return {
        "title": _("Won revenue by partner credit"),
        "header": [_("Credit"), _("Won deals"), _("Counted amount (JPY)")],
        "rows": rows,
        "labels": [r[0] for r in rows],
        "series": {_("Counted amount (JPY)"): [int(amount) for _n, amount in figures.values()]},
        "detail_url": "incentives:staff_overview",
        "note": _(
            "A deal with credited partners counts once as sourced and again for each credited partner."
        ),
    }


# --- Activation ------------------------------------------------------------------------

ACTIVATION_WINDOWS = (60, 90)


def activation_refreshed_at():
    return PartnerActivation.objects.order_by().values_list("refreshed_at", flat=True).first()


def _activation_source() -> tuple[str, dict]:
    """The per-partner rows: the roll-up once built, else the same SELECT over the raw rows."""
    if activation_refreshed_at() is not None:
        return PartnerActivation._meta.db_table, {}
    return f"({rollups.ACTIVATION_SQL})", rollups.activation_params()


def _activation_figures(sql_group: str, query: BlockQuery, *, grouping_sets: bool = False) -> list[tuple]:
    """(group, partners, eligible 60, active 60, eligible 90, active 90, median days to the
    first registered, approved and won deal, at risk) per group of partners approved in the
    period or the 90 days before it. A partner counts toward the N-day rate once N days have
    passed since approval."""
    source, params = _activation_source()
    scope, scope_params = query.partner_sql("x.partner_id")
    target = settings.PRM_ONBOARDING_TARGET_DAYS
    windows = ", ".join(
        f"COUNT(*) FILTER (WHERE x.approved_on <= %(today)s - {n}),"
        f" COUNT(*) FILTER (WHERE x.approved_on <= %(today)s - {n}"
        f" AND x.first_registered_on <= x.approved_on + {n})"
        for n in ACTIVATION_WINDOWS
    )
    medians = ", ".join(
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(x.{column} - x.approved_on, 0))"
        f" FILTER (WHERE x.{column} IS NOT NULL)"  # GREATEST(NULL, 0) is 0
        for column in ("first_registered_on", "first_approved_on", "first_won_on")
    )
    group_by = f"GROUPING SETS {sql_group}" if grouping_sets else sql_group
    select_group = "x.source, x.partner_type" if grouping_sets else f"{sql_group} AS g"
    sql = f"""
        SELECT {select_group}, COUNT(*), {windows}, {medians},
               COUNT(*) FILTER (WHERE x.onboarding_completed_on IS NOT NULL AND x.first_registered_on IS NULL
                                AND x.approved_on + %(target)s < %(today)s)
          FROM {source} x
         WHERE x.approved_on >= %(start)s AND x.approved_on <= %(today)s{scope.replace("%s", "%(scope)s")}
         GROUP BY {group_by}
         ORDER BY 1, 2"""  # noqa: S608 (fixed fragments; values are parameters)
    # Cohorts approved in the period and in the 90 days before it: a rate needs that long to
    # be measured, so a "last 90 days" dashboard still shows the cohorts it can judge.
    start = query.start - timedelta(days=max(ACTIVATION_WINDOWS))
    values = {**params, "today": query.today, "start": start, "target": target}
    if scope_params:
        values["scope"] = scope_params[0]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()


def _rate(eligible: int, active: int) -> str:
    return "–" if not eligible else f"{round(100 * active / eligible)}% ({active}/{eligible})"


def _rate_value(eligible: int, active: int) -> int | None:
    return None if not eligible else round(100 * active / eligible)


def _days(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def _activation_rows(label, figures) -> list:
    n, e60, a60, e90, a90, d_reg, d_appr, d_won, at_risk = figures
    return [label, n, _rate(e60, a60), _rate(e90, a90), _days(d_reg), _days(d_appr), _days(d_won), at_risk]


def _activation_header(first) -> list:
    return [
        first,
        _("Partners approved"),
        _("Deal registered within 60 days"),
        _("Deal registered within 90 days"),
        _("Median days to first deal"),
        _("Median days to first approved deal"),
        _("Median days to first won deal"),
        _("Checklist finished, no deal (at risk)"),
    ]


def _activation_note() -> str:
    refreshed = activation_refreshed_at()
    note = _(
        "Partners approved in the period or the 90 days before it. A partner counts toward a rate "
        "once that many days have passed since its approval. At risk: onboarding finished but no "
        "deal registered %(days)s days after approval."
    ) % {"days": settings.PRM_ONBOARDING_TARGET_DAYS}
    if refreshed:
        note += " " + _("As of %(time)s.") % {
            "time": timezone.localtime(refreshed).strftime("%Y-%m-%d %H:%M")
        }
    return note


def activation_block(query: BlockQuery) -> dict:
    """Activation by cohort (month of approval): the share of partners with a deal
    registered within 60 and 90 days, and the median days to their first deals."""
    groups = _activation_figures("to_char(x.approved_on, 'YYYY-MM')", query)
    rows = [_activation_rows(group, figures) for group, *figures in groups]
    raw = [figures for _group, *figures in groups]
    return {
        "title": _("Activation: first deals after approval, by cohort"),
        "header": _activation_header(_("Cohort (month approved)")),
        "rows": rows,
        "labels": [r[0] for r in rows],
        "series": {
            _("Within 60 days (%)"): [_rate_value(f[1], f[2]) for f in raw],
            _("Within 90 days (%)"): [_rate_value(f[3], f[4]) for f in raw],
        },
        "detail_url": "onboarding:staff_metrics",
        "note": _activation_note(),
        "managers_only": False,
    }


def activation_groups_block(query: BlockQuery) -> dict:
    """The same figures by how partners came to us (their application's source) and by type."""
    sources, types = dict(Source.choices), dict(PartnerType.choices)
    groups = _activation_figures("((x.source), (x.partner_type))", query, grouping_sets=True)
    rows = []
    for source, ptype, *figures in sorted(groups, key=lambda g: (g[1] is not None, g[0] or "", g[1] or "")):
        if ptype is None:
            label = _("Source: %(source)s") % {"source": sources.get(source, _("no application"))}
        else:
            label = _("Type: %(type)s") % {"type": types.get(ptype, ptype)}
        rows.append(_activation_rows(label, figures))
    return {
        "title": _("Activation by source and partner type"),
        "header": _activation_header(_("Source or type")),
        "rows": rows,
        "labels": [r[0] for r in rows],
        "series": {_("Partners approved"): [r[1] for r in rows]},
        "detail_url": "onboarding:staff_metrics",
        "note": _activation_note(),
        "managers_only": False,
    }


@dataclass
class Activation:
    approved_on: date
    target_days: int
    first_registered_on: date | None
    first_approved_on: date | None
    first_won_on: date | None
    onboarding_completed_on: date | None
    today: date

    def _days(self, day: date | None) -> int | None:
        return None if day is None else max((day - self.approved_on).days, 0)

    @property
    def days_to_registered(self) -> int | None:
        return self._days(self.first_registered_on)

    @property
    def days_to_approved(self) -> int | None:
        return self._days(self.first_approved_on)

    @property
    def days_to_won(self) -> int | None:
        return self._days(self.first_won_on)

    @property
    def days_since_approval(self) -> int:
        return (self.today - self.approved_on).days

    @property
    def days_left(self) -> int:
        return self.target_days - self.days_since_approval

    @property
    def activated_in_target(self) -> bool:
        registered = self.days_to_registered
        return registered is not None and registered <= self.target_days

    @property
    def at_risk(self) -> bool:
        """Onboarding finished but no deal registered and the target has passed."""
        return (
            self.onboarding_completed_on is not None
            and self.first_registered_on is None
            and self.days_since_approval > self.target_days
        )


def partner_activation(partner, *, today: date | None = None) -> Activation:
    """One partner's activation, read live (two small queries): partner 360 and the home."""
    tz = timezone.get_current_timezone()
    application = (
        Application.objects.filter(partner=partner, status=Application.Status.APPROVED)
        .values_list("decided_at", flat=True)
        .first()
    )
    approved_at = application or partner.created_at
    firsts = Deal.objects.filter(partner=partner).aggregate(
        registered=Min("created_at"),
        approved=Min("first_approved_at"),
        won=Min("closed_on", filter=Q(stage=Deal.Stage.WON, counted_amount_jpy__isnull=False)),
    )
    return Activation(
        approved_on=timezone.localtime(approved_at, tz).date(),
        target_days=settings.PRM_ONBOARDING_TARGET_DAYS,
        first_registered_on=timezone.localtime(firsts["registered"], tz).date()
        if firsts["registered"]
        else None,
        first_approved_on=timezone.localtime(firsts["approved"], tz).date() if firsts["approved"] else None,
        first_won_on=firsts["won"],
        onboarding_completed_on=partner.onboarding_completed_on,
        today=today or timezone.localdate(),
    )


def activation_raw() -> list[tuple]:
    """The per-partner activation rows computed from the raw tables (the roll-up's source)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{rollups.ACTIVATION_SQL} ORDER BY 1", rollups.activation_params())
        return cursor.fetchall()


def activation_rollup_rows() -> list[tuple]:
    return list(PartnerActivation.objects.order_by("partner_id").values_list(*rollups.ACTIVATION_COLUMNS))
