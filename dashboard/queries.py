"""The channel dashboard's numbers: one aggregate query (or two) per block, over the partners
the viewer may see (prm.tenancy.partners_for_staff) narrowed by the filters.

Every block returns a `Block`: a header and rows (the table and the CSV share them) plus the
series its chart draws. Blocks are cached together per (filters, viewer scope) for at most
five minutes; tier recomputation and lifecycle signals bump a version number that is part
of every key, which drops them all at once.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from content.models import AssetEvent
from dashboard.rollup import engagement_cutoff, engagement_rows
from incentives.deal_rollup import deal_rollup_refreshed_at
from incentives.models import Deal, PartnerDealMonth, PartnerDealRollup, PartnerTierState, Tier, TierChange
from onboarding.models import OnboardingPlan, OnboardingTask
from onboarding.queries import INACTIVE_DAYS
from partners.models import Application, Membership, Partner, PartnerType, ReferralLink, Source
from prm.cache import pagecache
from prm.i18n.kana import kana_order, normalise, to_katakana
from prm.models import AuditEvent, User
from prm.tenancy import partners_for_staff
from threads.models import Thread
from threads.queries import _metric_aggregates, partner_asked, staff_participation

CACHE_SECONDS = 300
ACTIVE_DAYS = 30
SIGNIN_WEEKS = 8
SIGNED_IN = "auth.login"  # written by prm.audit.receivers on every sign-in


@dataclass
class Filters:
    days: int = 90
    partner_type: str = ""
    tier: Tier | None = None
    country: str = ""
    owner: User | None = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days)

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.today + timedelta(days=1), time.min, tzinfo=tz),
        )

    def key(self) -> str:
        parts = [
            self.days,
            self.partner_type,
            self.tier.pk if self.tier else "",
            self.country,
            self.owner.pk if self.owner else "",
            self.today,
        ]
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass
class Block:
    key: str
    title: str
    header: list
    rows: list
    series: dict = field(default_factory=dict)  # {series label: [values]} by `labels`
    labels: list = field(default_factory=list)
    detail_url: str = ""
    note: str = ""
    digest: str = ""  # a hash of what the chart draws: the chart image's cache key and URL version
    managers_only: bool = True  # the detail page is for channel managers only


def viewer_scope(user) -> str:
    """One cache scope for everyone who sees all partners; one per user otherwise."""
    if user.is_superuser or user.is_support or user.has_perm("partners.manage_partner"):
        return "all"
    return f"u{user.pk}"


def scoped_partners(user, filters: Filters):
    partners = partners_for_staff(user)
    if filters.partner_type:
        partners = partners.filter(partner_type=filters.partner_type)
    if filters.country:
        partners = partners.filter(country=filters.country)
    if filters.tier is not None:
        partners = partners.filter(tier_state__tier=filters.tier)
    if filters.owner is not None:
        partners = partners.filter(onboarding_plans__owner=filters.owner)
    return partners


def _narrowed(filters: Filters, scope: str) -> bool:
    return scope != "all" or filters.tier is not None or filters.owner is not None


# --- Blocks ---------------------------------------------------------------------------


def recruitment_funnel(partner_ids, filters: Filters, *, scope: str) -> Block:
    """Clicks -> applications -> approved -> onboarded within the target -> first won deal,
    by source, for applications received in the period."""
    start, end = filters.bounds()
    apps = Application.objects.filter(created_at__gte=start, created_at__lt=end)
    if filters.partner_type:
        apps = apps.filter(partner_type=filters.partner_type)
    if filters.country:
        apps = apps.filter(country=filters.country)
    if _narrowed(filters, scope):
        # Applicants are nobody's partners yet: a narrowed view counts only those who became its partners.
        apps = apps.filter(partner_id__in=partner_ids)
    target = settings.PRM_ONBOARDING_TARGET_DAYS
    onboarded = OnboardingPlan.objects.filter(
        partner_id=OuterRef("partner_id"),
        status=OnboardingPlan.Status.COMPLETED,
        completed_on__lte=F("started_on") + timedelta(days=target),
    )
    won = Deal.objects.counted().filter(partner_id=OuterRef("partner_id"))
    rows = {
        r["source"]: r
        for r in apps.values("source").annotate(
            applications=Count("id"),
            approved=Count("id", filter=Q(status=Application.Status.APPROVED)),
            onboarded=Count("id", filter=Q(Exists(onboarded))),
            first_won=Count("id", filter=Q(Exists(won))),
        )
    }
    links = (
        ReferralLink.objects.all()
        if not _narrowed(filters, scope)
        else ReferralLink.objects.filter(partner_id__in=partner_ids)
    )
    clicks = links.aggregate(n=Sum("clicks"))["n"] or 0
    out = []
    for value, label in Source.choices:
        r = rows.get(value, {})
        out.append(
            [
                label,
                clicks if value == Source.REFERRAL else "",
                r.get("applications", 0),
                r.get("approved", 0),
                r.get("onboarded", 0),
                r.get("first_won", 0),
            ]
        )
    return Block(
        key="recruitment",
        title=_("Recruitment funnel by source"),
        header=[
            _("Source"),
            _("Referral clicks"),
            _("Applications"),
            _("Approved"),
            _("Onboarded within %(days)s days") % {"days": target},
            _("First won deal"),
        ],
        rows=out,
        labels=[r[0] for r in out],
        series={
            _("Applications"): [r[2] for r in out],
            _("Approved"): [r[3] for r in out],
            _("Onboarded"): [r[4] for r in out],
            _("First won deal"): [r[5] for r in out],
        },
        detail_url="partners:staff_metrics",
    )


def onboarding_cohorts(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Plans started in the period, by month of start: completed within the target, running, at risk."""
    target = settings.PRM_ONBOARDING_TARGET_DAYS
    plans = (
        _scoped(OnboardingPlan.objects.all(), partner_ids, everyone)
        .filter(started_on__gte=filters.start)
        .exclude(status=OnboardingPlan.Status.CANCELLED)
    )
    # At risk: a running plan past its target, with overdue tasks, or inactive (onboarding's
    # INACTIVE_DAYS). Onboarding's pace flag needs per-plan task counts; the plans page shows it.
    overdue = OnboardingTask.objects.filter(plan_id=OuterRef("pk"), due_date__lt=filters.today).exclude(
        status=OnboardingTask.Status.DONE
    )
    inactive_since = timezone.now() - timedelta(days=INACTIVE_DAYS)
    at_risk = dict(
        plans.filter(status=OnboardingPlan.Status.RUNNING)
        .filter(
            Q(target_date__lt=filters.today) | Q(last_activity_at__lt=inactive_since) | Q(Exists(overdue))
        )
        .annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    rows = (
        plans.annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(
            started=Count("id"),
            in_target=Count("id", filter=Q(completed_on__lte=F("started_on") + timedelta(days=target))),
            running=Count("id", filter=Q(status=OnboardingPlan.Status.RUNNING)),
        )
        .order_by("month")
    )
    out = [
        [
            r["month"].strftime("%Y-%m"),
            r["started"],
            r["in_target"],
            round(100 * r["in_target"] / r["started"]) if r["started"] else 0,
            r["running"],
            at_risk.get(r["month"], 0),
        ]
        for r in rows
    ]
    return Block(
        key="onboarding",
        title=_("Onboarding within %(days)s days by cohort") % {"days": target},
        header=[
            _("Cohort (month started)"),
            _("Plans started"),
            _("Completed in target"),
            _("Share (%)"),
            _("Running"),
            _("At risk"),
        ],
        rows=out,
        labels=[r[0] for r in out],
        series={_("Share (%)"): [r[3] for r in out], _("At risk"): [r[5] for r in out]},
        detail_url="onboarding:staff_metrics",
        managers_only=False,
    )


def activity(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Partners with a member signed in during the last 30 days; sign-ins by week."""
    now = timezone.now()
    since = now - timedelta(days=ACTIVE_DAYS)
    # One hashed subplan over the recently signed-in members, not an EXISTS per partner.
    active_partners = Membership.objects.filter(is_active=True, user__last_login__gte=since).values(
        "partner_id"
    )
    totals = Partner.objects.filter(pk__in=partner_ids).aggregate(
        partners=Count("id"), active=Count("id", filter=Q(pk__in=active_partners))
    )
    weeks_start = now - timedelta(weeks=SIGNIN_WEEKS)
    # Sign-ins per (week, partner) first (hashed), then per week: no COUNT(DISTINCT) sort.
    scope, scope_params = _scope_sql(partner_ids, everyone)
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT week, SUM(n), COUNT(*) FROM (
            SELECT date_trunc('week', created_at AT TIME ZONE %s) AS week, partner_id, COUNT(*) AS n
            FROM {AuditEvent._meta.db_table}
            WHERE action = %s AND created_at >= %s AND partner_id IS NOT NULL{scope}
            GROUP BY 1, 2
        ) g GROUP BY week"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.get_current_timezone_name(), SIGNED_IN, weeks_start, *scope_params])
        by_week = {week.date(): (int(signins), partners) for week, signins, partners in cursor.fetchall()}
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(SIGNIN_WEEKS - 1, -1, -1)]
    out = [[w.isoformat(), *by_week.get(w, (0, 0))] for w in weeks]
    share = round(100 * totals["active"] / totals["partners"]) if totals["partners"] else 0
    return Block(
        key="activity",
        title=_("Activity"),
        header=[_("Week starting"), _("Sign-ins"), _("Partners signed in")],
        rows=out,
        labels=[r[0] for r in out],
        series={_("Sign-ins"): [r[1] for r in out]},
        detail_url="partners:staff_metrics",
        note=_(
            "%(active)s of %(partners)s partners (%(share)s%%) had a member active in the last %(days)s days."
        )
        % {**totals, "share": share, "days": ACTIVE_DAYS},
    )


def _scoped(queryset, partner_ids, everyone: bool):
    """`queryset` narrowed to the viewer's partners; as is when the viewer sees them all."""
    return queryset if everyone else queryset.filter(partner_id__in=partner_ids)


def _scope_sql(partner_ids, everyone: bool, column: str = "partner_id") -> tuple[str, list]:
    """An `AND column IN (...)` clause for raw block SQL: none when the viewer sees every
    partner and no filter narrows them (the semi-join over all partners is pure cost)."""
    if everyone:
        return "", []
    if isinstance(partner_ids, list):
        return f" AND {column} = ANY(%s)", [partner_ids]
    sql, params = partner_ids.order_by().query.sql_with_params()
    return f" AND {column} IN ({sql})", list(params)


def content_engagement(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Events, distinct partners and distinct assets per kind in the period: one query, a
    range over assetevent_time (created_at) and hashed GROUPING SETS instead of COUNT(DISTINCT)
    sorts over every event."""
    start, end = filters.bounds()
    cutoff = engagement_cutoff() if everyone else None
    if cutoff is not None:
        # Every partner: the roll-ups plus the events since their cutoff (dashboard.rollup).
        return _content_block(engagement_rows(start=start, end=end, cutoff=cutoff))
    scope, scope_params = _scope_sql(partner_ids, everyone)
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT kind,
               SUM(n) FILTER (WHERE by_partner) AS events,
               COUNT(partner_id) FILTER (WHERE by_partner) AS partners,
               COUNT(asset_id) FILTER (WHERE NOT by_partner) AS assets
        FROM (
            SELECT kind, partner_id, asset_id, GROUPING(asset_id) = 1 AS by_partner, COUNT(*) AS n
            FROM {AssetEvent._meta.db_table}
            WHERE created_at >= %s AND created_at < %s{scope}
            GROUP BY GROUPING SETS ((kind, partner_id), (kind, asset_id))
        ) g
        GROUP BY kind ORDER BY kind"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *scope_params])
        return _content_block(cursor.fetchall())


def _content_block(rows) -> Block:
    labels = dict(AssetEvent.Kind.choices)
    out = [
        [labels.get(kind, kind), int(events or 0), partners, assets]
        for kind, events, partners, assets in rows
    ]
    return Block(
        key="content",
        title=_("Content engagement"),
        header=[_("Kind"), _("Events"), _("Partners"), _("Assets")],
        rows=out,
        labels=[r[0] for r in out],
        series={_("Events"): [r[1] for r in out]},
        detail_url="content:staff_analytics",
    )


def deals_pipeline(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Deals under review, open pipeline and deals won in the period, by tier and partner type,
    from the per-partner roll-up (incentives.deal_rollup) once it exists, else from the deals."""
    refreshed_at = deal_rollup_refreshed_at()
    if refreshed_at is None:
        return _deals_block(deals_pipeline_raw(partner_ids, filters, everyone=everyone))
    return _deals_block(deals_pipeline_rollup(partner_ids, filters, everyone=everyone), refreshed_at)


def _won_ranges(filters: Filters) -> tuple[date, date, list[tuple[date, date]]]:
    """Whole months inside the period come from the roll-up ([lo, hi) by month); the partial
    first month and the current month from the deals themselves, so that the period is exact
    to the day and deals won this month count at once."""
    start, today = filters.start, filters.today
    lo = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    hi = today.replace(day=1)
    if lo >= hi:
        return lo, lo, [(start, today)]
    return lo, hi, [(start, lo - timedelta(days=1)), (hi, today)]


def deals_pipeline_rollup(partner_ids, filters: Filters, *, everyone: bool = False) -> list:
    """Rows (tier id, partner type, under review, open, pipeline, won, won amount) from the
    per-partner roll-up, the won-by-month roll-up and the won deals of the edge days
    (deal_counted_closed index), stacked per partner and joined to the partners once."""
    lo, hi, edges = _won_ranges(filters)
    won_sql = " OR ".join(["(closed_on >= %s AND closed_on <= %s)"] * len(edges))
    scope, scope_params = _scope_sql(partner_ids, everyone, "x.partner_id")
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


def deals_pipeline_raw(partner_ids, filters: Filters, *, everyone: bool = False) -> list:
    """Open pipeline (approved, not closed), deals under review and deals won in the period,
    by tier and partner type. One query: each deal is hash-joined to its partner's type and
    tier state and counted into a handful of (tier, type) groups; no semi-join over all
    partners for a viewer who sees them all. The won part is a closed_on range
    (deal_counted_closed) and the open part a partial index (deal_open) for when those are the
    selective conditions; where most deals are open the planner scans the table once."""
    scope, scope_params = _scope_sql(partner_ids, everyone, "d.partner_id")
    St, Sg = Deal.Status, Deal.Stage
    open_sql = "(d.status = %s AND d.stage IN %s)"
    won_sql = (
        "(d.stage = %s AND d.counted_amount_jpy IS NOT NULL AND d.closed_on >= %s AND d.closed_on <= %s)"
    )
    open_p = [St.APPROVED, tuple(Deal.OPEN_STAGES)]
    won_p = [Sg.WON, filters.start, filters.today]
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
        rows = cursor.fetchall()
    return rows


def _deals_block(rows, refreshed_at=None) -> Block:
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
    return Block(
        key="deals",
        title=_("Deals and pipeline by tier and type"),
        header=[
            _("Tier"),
            _("Partner type"),
            _("Under review"),
            _("Open deals"),
            _("Pipeline (JPY)"),
            _("Won in period"),
            _("Won (JPY)"),
        ],
        rows=out,
        labels=[f"{r[0]} / {r[1]}" for r in out],
        series={_("Pipeline (JPY)"): [r[4] for r in out], _("Won (JPY)"): [r[6] for r in out]},
        detail_url="incentives:staff_deals",
        note=_("Under review and open deals as of %(time)s (refreshed every hour); won deals are up to date.")
        % {"time": timezone.localtime(refreshed_at).strftime("%Y-%m-%d %H:%M")}
        if refreshed_at
        else "",
    )


def tiers(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Partners per tier now, and the tier movements recorded in the period."""
    counts = {
        r["tier_id"]: r["n"]
        for r in _scoped(PartnerTierState.objects.all(), partner_ids, everyone)
        .values("tier_id")
        .annotate(n=Count("id"))
    }
    moves = {
        (r["to_tier_id"], r["kind"]): r["n"]
        for r in _scoped(TierChange.objects.all(), partner_ids, everyone)
        .filter(effective_on__gte=filters.start, effective_on__lte=filters.today)
        .values("to_tier_id", "kind")
        .annotate(n=Count("id"))
    }
    K = TierChange.Kind
    out = []
    for tier in Tier.objects.order_by("rank"):
        out.append(
            [
                str(tier),
                counts.get(tier.pk, 0),
                moves.get((tier.pk, K.UPGRADE), 0),
                moves.get((tier.pk, K.DOWNGRADE), 0) + moves.get((tier.pk, K.DOWNGRADE_PENDING), 0),
            ]
        )
    return Block(
        key="tiers",
        title=_("Tier distribution and movements"),
        header=[_("Tier"), _("Partners"), _("Moved up to it"), _("Moved down to it (incl. pending)")],
        rows=out,
        labels=[r[0] for r in out],
        series={_("Partners"): [r[1] for r in out]},
        detail_url="incentives:staff_overview",
    )


def questions(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Response times against the target, and which staff answered."""
    start, end = filters.bounds()
    threads = partner_asked(
        _scoped(Thread.objects.all(), partner_ids, everyone).filter(created_at__gte=start, created_at__lt=end)
    )
    totals = threads.aggregate(**_metric_aggregates(timezone.now()))
    people = staff_participation(threads, start=start, end=end)[:10]

    def hours(seconds):
        return round(seconds / 3600, 1) if seconds is not None else "-"

    out = [[p["author__display_name"] or p["author__email"], p["answers"], p["threads"]] for p in people]
    within = totals["threads"] - totals["past_target"]
    return Block(
        key="questions",
        title=_("Questions: response times and staff participation"),
        header=[_("Staff member"), _("Answers"), _("Questions answered")],
        rows=out,
        labels=[r[0] for r in out],
        series={_("Answers"): [r[1] for r in out]},
        detail_url="threads:metrics",
        managers_only=False,
        note=_(
            "%(threads)s questions; %(within)s within the response target, %(late)s past it. "
            "First response: median %(median)s h, 90th percentile %(p90)s h."
        )
        % {
            "threads": totals["threads"],
            "within": within,
            "late": totals["past_target"],
            "median": hours(totals["first_response_median"]),
            "p90": hours(totals["first_response_p90"]),
        },
    )


CAMPAIGNS_SHOWN = 12


def campaigns(partner_ids, filters: Filters, *, everyone: bool = False) -> Block:
    """Published campaigns running at some point in the period: opt-ins, kit downloads, link
    clicks, deals, pipeline, won revenue and cost per won deal against the budget, counting
    the viewer's partners only (promotion's attribution queries)."""
    from promotion.models import Campaign
    from promotion.queries import results_by_campaign

    running = (
        Campaign.objects.published()
        .filter(starts_on__lte=filters.today, ends_on__gte=filters.start)
        .order_by("-starts_on", "-pk")[:CAMPAIGNS_SHOWN]
    )
    out = [
        [
            campaign.name,
            r["opt_ins"],
            r["downloads"],
            r["clicks"],
            r["deals"],
            int(r["pipeline"]),
            r["won_deals"],
            int(r["won_revenue"]),
            int(campaign.budget),
            int(r["cost_per_won_deal"]) if r["cost_per_won_deal"] is not None else "-",
        ]
        for campaign, r in results_by_campaign(
            campaigns=running, partner_ids=None if everyone else partner_ids
        )
    ]
    return Block(
        key="campaigns",
        title=_("Campaign results"),
        header=[
            _("Campaign"),
            _("Opt-ins"),
            _("Downloads"),
            _("Clicks"),
            _("Deals"),
            _("Pipeline (JPY)"),
            _("Won deals"),
            _("Won revenue (JPY)"),
            _("Budget (JPY)"),
            _("Cost per won deal (JPY)"),
        ],
        rows=out,
        labels=[r[0] for r in out],
        series={
            _("Opt-ins"): [r[1] for r in out],
            _("Clicks"): [r[3] for r in out],
            _("Deals"): [r[4] for r in out],
        },
        detail_url="promotion:staff_campaigns",
    )


BLOCKS = ("recruitment", "onboarding", "activity", "content", "deals", "tiers", "campaigns", "questions")


MATERIALISE_IDS = 2000


def sees_everyone(scope: str, filters: Filters) -> bool:
    """The viewer sees every partner and no filter narrows them."""
    return scope == "all" and not (filters.partner_type or filters.country or filters.tier or filters.owner)


def compute_blocks(user, filters: Filters) -> dict[str, Block]:
    scope = viewer_scope(user)
    everyone = sees_everyone(scope, filters)
    partner_ids = scoped_partners(user, filters).order_by().values("pk")
    if not everyone:
        # A narrowed view (an assigned manager's grants, a filter) is usually small: read the
        # ids once so that every block's planner sees the real number (the guardian subquery
        # is estimated at thousands of rows and turns index lookups into table scans).
        ids = list(partner_ids.values_list("pk", flat=True)[: MATERIALISE_IDS + 1])
        if len(ids) <= MATERIALISE_IDS:
            partner_ids = ids
    blocks = {
        "recruitment": recruitment_funnel(partner_ids, filters, scope=scope),
        "onboarding": onboarding_cohorts(partner_ids, filters, everyone=everyone),
        "activity": activity(partner_ids, filters, everyone=everyone),
        "content": content_engagement(partner_ids, filters, everyone=everyone),
        "deals": deals_pipeline(partner_ids, filters, everyone=everyone),
        "tiers": tiers(partner_ids, filters, everyone=everyone),
        "campaigns": campaigns(partner_ids, filters, everyone=everyone),
        "questions": questions(partner_ids, filters, everyone=everyone),
    }
    for block in blocks.values():
        _freeze(block)
    return blocks


def _freeze(block: Block) -> None:
    """Render lazy labels in the current language (cached blocks are per language)."""

    def text(value):
        return str(value) if isinstance(value, Promise) else value

    block.title, block.note = str(block.title), str(block.note)
    block.header = [str(h) for h in block.header]
    block.rows = [[text(c) for c in row] for row in block.rows]
    block.labels = [str(label) for label in block.labels]
    block.series = {str(k): v for k, v in block.series.items()}
    drawn = [translation.get_language(), block.title, block.labels, list(block.series.items())]
    block.digest = hashlib.sha256(json.dumps(drawn, default=str).encode()).hexdigest()[:16]


def cache_key(user, filters: Filters) -> str:
    """Per language, viewer scope and filters, and per state of the roll-ups and the tier
    recomputation the blocks read: a refresh or a recomputation is a new key (shows at once)."""
    from incentives.queries import last_recomputation

    run = last_recomputation()
    rolled = (deal_rollup_refreshed_at(), run.pk if run else None)
    return f"dashboard:{translation.get_language()}:{viewer_scope(user)}:{filters.key()}:{rolled}"


def dashboard_blocks(user, filters: Filters) -> dict[str, Block]:
    """The blocks, from the cache: they may lag (at most CACHE_SECONDS; the page says so),
    except behind a roll-up refresh or a tier recomputation (`cache_key`). The charts are
    not drawn here: each is its own image URL (`block_chart`), so the page never waits for
    SVG."""
    return pagecache.lagging(
        cache_key(user, filters), lambda: compute_blocks(user, filters), seconds=CACHE_SECONDS
    )


CHART_SECONDS = 3600


def block_chart(block: Block) -> str:
    """The block's SVG chart, cached by the hash of what it draws (and the language): equal
    data gives the same picture, so this key needs no invalidation of its own."""
    from dashboard.charts import block_svg

    return pagecache.lagging(
        f"dashboard:chart:{block.digest}", lambda: block_svg(block), seconds=CHART_SECONDS
    )


# --- Partner 360 ----------------------------------------------------------------------


def partner_360(partner) -> dict:
    """Everything about one partner on one page (a constant number of queries)."""
    from guardian.shortcuts import get_users_with_perms

    from incentives.queries import _state_for, earnings_to_date, gap_in_words, next_tier
    from onboarding.models import UserCertification
    from onboarding.queries import partner_plan, plan_progress
    from promotion.queries import partner_campaigns

    plan = partner_plan(partner)
    state = _state_for(partner)
    tier = state.tier if state else None
    upcoming = next_tier(list(Tier.objects.order_by("rank")), tier)
    deals = Deal.objects.for_partner(partner)
    open_q = Q(status=Deal.Status.APPROVED) & ~Q(stage__in=[Deal.Stage.WON, Deal.Stage.LOST])
    counted_q = Q(stage=Deal.Stage.WON, counted_amount_jpy__isnull=False)  # Deal.objects.counted()
    deal_totals = deals.aggregate(
        submitted=Count("id", filter=Q(status=Deal.Status.SUBMITTED)),
        open=Count("id", filter=open_q),
        pipeline=Sum("approved_amount_jpy", filter=open_q),
        won=Count("id", filter=counted_q),
        won_amount=Sum("counted_amount_jpy", filter=counted_q),
        won_under_review=Count("id", filter=Q(stage=Deal.Stage.WON, status=Deal.Status.SUBMITTED)),
    )
    return {
        "partner": partner,
        "members": partner.memberships.select_related("user").order_by("-is_active", "role", "user__email"),
        "managers": get_users_with_perms(partner, only_with_perms_in=["manage_partner"]).order_by("email"),
        "plan": plan,
        "progress": plan_progress(plan) if plan else None,
        "certifications": UserCertification.objects.for_partner(partner)
        .select_related("certification", "user")
        .order_by("-issued_on")[:20],
        "tier": tier,
        "state": state,
        "next_tier": upcoming,
        "gap": gap_in_words(state, upcoming) if upcoming else "",
        "deal_totals": deal_totals,
        "recent_deals": deals.select_related("product").order_by("-created_at")[:10],
        "earnings": earnings_to_date(partner),
        "open_questions": Thread.objects.for_partner(partner)
        .exclude(status=Thread.Status.CLOSED)
        .order_by("-last_public_at")[:10],
        "lifecycle": AuditEvent.objects.filter(partner_id=partner.pk, action__startswith="partner.")
        .select_related("actor")
        .order_by("-created_at")[:20],
        "campaigns": partner_campaigns(partner),
        "audit_events": AuditEvent.objects.filter(partner_id=partner.pk).select_related("actor")[:20],
    }


SEARCH_LIMIT = 50


def partner_search(user, q: str, *, limit: int = SEARCH_LIMIT) -> tuple[list, bool]:
    """The viewer's partners whose name or reading (フリガナ) contains `q`, typed as the name
    is written, in hiragana, katakana or half-width kana: names and readings starting with it
    first, then あいうえお order. Returns at most `limit` partners and whether there are more."""
    partners = partners_for_staff(user)
    text = normalise(q)
    if text:
        reading = to_katakana(text)
        starts = Q(name__istartswith=text) | Q(name_kana__istartswith=reading)
        partners = partners.filter(
            Q(name__icontains=q.strip()) | Q(name__icontains=text) | Q(name_kana__icontains=reading)
        ).annotate(starts=Case(When(starts, then=Value(0)), default=Value(1)))
        partners = partners.order_by("starts", *kana_order("name_kana", "name", "pk"))
    else:
        partners = partners.order_by(*kana_order("name_kana", "name", "pk"))
    found = list(partners.select_related("tier_state__tier")[: limit + 1])
    return found[:limit], len(found) > limit
