"""The channel dashboard (the staff home): filters, the composition of the blocks the apps
register, their cache, charts, and partner search and partner 360.

Each app owns its block's query in its own `queries.py` and registers it in `ready()`
(`prm.ui.registry.register_dashboard_block`, like the home panels); a block function gets a
`prm.ui.registry.BlockQuery` (the viewer's partners narrowed by the filters, and the period) and
returns the fields of a `Block`. Blocks are cached together per (language, filters, viewer
scope) for at most five minutes; a deal roll-up refresh or a tier recomputation is a new key.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Q, Sum, Value, When
from django.utils import timezone, translation
from django.utils.functional import Promise

from dashboard.charts import block_svg
from incentives.models import Deal, Tier
from incentives.queries import (
    credit_revenue,
    deal_rollup_refreshed_at,
    earnings_to_date,
    gap_in_words,
    last_recomputation,
    next_tier,
    partner_activation,
    tier_state_for,
)
from leads.queries import partner_lead_metrics
from onboarding.queries import partner_plan, plan_progress
from prm.cache import pagecache
from prm.i18n.kana import kana_order, normalise, to_katakana
from prm.models import AuditEvent, User
from prm.tenancy import managers_assigned_to, partners_for_staff
from prm.ui import registry
from prm.ui.registry import BlockQuery
from promotion.queries import partner_campaigns
from threads.models import Thread
from training.models import UserCertification

CACHE_SECONDS = 300


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
    title: str | Promise  # lazy until `_freeze` renders it in the current language
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


def sees_everyone(scope: str, filters: Filters) -> bool:
    """The viewer sees every partner and no filter narrows them."""
    return scope == "all" and not (filters.partner_type or filters.country or filters.tier or filters.owner)


MATERIALISE_IDS = 2000


def block_query(user, filters: Filters) -> BlockQuery:
    """What every block is asked for: the viewer's partners narrowed by the filters (none for
    a viewer who sees every partner: no semi-join over all of them) and the period.

    A narrowed view (an assigned manager's grants, a filter) is read once as a list of ids:
    raw block SQL takes it as an array, and ORM blocks take it as a list when it is small, so
    that their planner sees the real number (the guardian subquery is estimated at thousands
    of rows and turns index lookups into table scans), else as the subquery."""
    scope = viewer_scope(user)
    if sees_everyone(scope, filters):
        return for_partners(filters, None)
    partners = scoped_partners(user, filters).order_by().values("pk")
    ids = list(partners.values_list("pk", flat=True))
    return for_partners(
        filters,
        ids,
        subquery=partners if len(ids) > MATERIALISE_IDS else None,
        narrowed=scope != "all" or filters.tier is not None or filters.owner is not None,
    )


def for_partners(filters: Filters, ids: list[int] | None, *, subquery=None, narrowed=False) -> BlockQuery:
    """The blocks' query for the partners `ids` (None: every partner) over the filters' period;
    `narrowed`: applications count only when their partner is one of them."""
    start_at, end_at = filters.bounds()
    return BlockQuery(
        partners=subquery if subquery is not None else ids,
        partner_ids=ids,
        start=filters.start,
        today=filters.today,
        start_at=start_at,
        end_at=end_at,
        partner_type=filters.partner_type,
        country=filters.country,
        narrowed=narrowed,
    )


# --- Composition, cache and charts ------------------------------------------------------


def block_keys() -> list[str]:
    """The registered blocks' keys, in the page's order."""
    return [entry.key for entry in registry.dashboard_blocks()]


def compute_blocks(user, filters: Filters) -> dict[str, Block]:
    query = block_query(user, filters)
    blocks = {}
    for entry in registry.dashboard_blocks():
        block = Block(key=entry.key, **entry.func(query))
        _freeze(block)
        blocks[entry.key] = block
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
    return pagecache.lagging(
        f"dashboard:chart:{block.digest}", lambda: block_svg(block), seconds=CHART_SECONDS
    )


# --- Partner 360 ----------------------------------------------------------------------


def partner_360(partner) -> dict:
    """Everything about one partner on one page (a constant number of queries)."""
    plan = partner_plan(partner)
    state = tier_state_for(partner)
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
        "managers": managers_assigned_to(partner).order_by("email"),
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
        # Issue 28: first deals after approval, and revenue it sourced or was credited on (12 months).
        "activation": partner_activation(partner),
        "credited": credit_revenue(
            [partner.pk], start=timezone.localdate() - timedelta(days=365), end=timezone.localdate()
        ),
        "earnings": earnings_to_date(partner),
        "leads": partner_lead_metrics(partner),
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
