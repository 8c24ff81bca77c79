"""Writes of the incentives app: deal registration and review, protection expiry, tier
recomputation, earnings and statements. Keyword-only, transactional, audited."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Length, StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives import sources
from incentives.models import (
    Deal,
    Earning,
    IncentiveProgram,
    PartnerTierState,
    RecomputationRun,
    Statement,
    Tier,
    TierChange,
)
from incentives.normalise import company_key, domain_key
from incentives.program_costs import program_cost_refresh
from incentives.signals import tiers_recomputed
from partners.models import Partner
from partners.services import partner_deal_won
from prm import pagecache
from prm.audit import audit
from prm.business_days import add_business_days
from prm.transitions import transition

# Fixed conversion rates into JPY for tier metrics and rebates; override in settings.
DEFAULT_FX_RATES_JPY = {"JPY": 1, "USD": 150, "EUR": 160, "GBP": 190, "SGD": 110}
MIN_CONTAINED_KEY = 4  # shorter keys are too generic for a "contains" match


class IncentivesError(Exception):
    """The one domain error of the incentives app (message is translatable)."""


def grace_days() -> int:
    return int(getattr(settings, "PRM_TIER_DOWNGRADE_GRACE_DAYS", 90))


def to_jpy(amount: Decimal, currency: str) -> Decimal:
    rates = getattr(settings, "PRM_FX_RATES_JPY", DEFAULT_FX_RATES_JPY)
    return (Decimal(amount) * Decimal(str(rates.get(currency, 1)))).quantize(Decimal(1), ROUND_HALF_UP)


def _entry_tier() -> Tier | None:
    return Tier.objects.order_by("rank").first()


def protection_days_for(partner) -> int:
    state = PartnerTierState.objects.filter(partner=partner).select_related("tier").first()
    tier = state.tier if state and state.tier else _entry_tier()
    return tier.protection_days if tier else int(getattr(settings, "PRM_DEFAULT_PROTECTION_DAYS", 30))


# --- Deal registration ----------------------------------------------------------------


def find_conflicts(*, partner, customer_domain: str, customer_company: str, on: date | None = None):
    """Other partners' active protected registrations for the same customer.

    Same domain, the same normalised company name, or one name contained in the other
    (for keys of at least MIN_CONTAINED_KEY characters).
    """
    on = on or timezone.localdate()
    domain = domain_key(customer_domain)
    key = company_key(customer_company)
    match = Q(customer_domain=domain) if domain else Q(pk__in=[])
    if key:
        match |= Q(company_key=key)
        if len(key) >= MIN_CONTAINED_KEY:
            # Near match: one normalised name inside the other ("さくらシステムズ" / "さくらシステムズ関西").
            match |= Q(company_key__contains=key)
            match |= Q(key_len__gte=MIN_CONTAINED_KEY, key_in_new__gt=0)
    return (
        Deal.objects.protected_on(on)
        .exclude(partner=partner)
        .annotate(key_in_new=StrIndex(_literal(key), F("company_key")), key_len=Length("company_key"))
        .filter(match)
        .select_related("partner")
    )


def _literal(text: str):
    from django.db.models import CharField, Value

    return Value(text, output_field=CharField())


def _conflict_notes(deals, *, domain: str, key: str) -> str:
    lines = []
    for other in deals:
        reason = "domain" if other.customer_domain == domain else "company name"
        lines.append(
            f"#{other.pk} {other.partner.name}: {other.customer_company} ({other.customer_domain}), "
            f"{reason} match, protected until {other.protected_until:%Y-%m-%d}"
        )
    return "\n".join(lines)


@transaction.atomic
def deal_register(*, partner, user, data: dict) -> Deal:
    """Register an opportunity; flag it for the reviewer if it conflicts with another partner's."""
    deal = Deal(partner=partner, registered_by=user, **data)
    deal.customer_domain = domain_key(deal.customer_domain)
    deal.company_key = company_key(deal.customer_company)
    deal.amount_jpy = to_jpy(deal.amount, deal.currency)
    deal.status = Deal.Status.SUBMITTED
    deal.stage = data.get("stage") or Deal.Stage.QUALIFYING
    if deal.stage not in Deal.OPEN_STAGES:
        raise IncentivesError(_("A new registration must be in an open stage."))
    conflicts = list(
        find_conflicts(
            partner=partner, customer_domain=deal.customer_domain, customer_company=deal.customer_company
        )
    )
    deal.has_conflict = bool(conflicts)
    deal.conflict_notes = _conflict_notes(conflicts, domain=deal.customer_domain, key=deal.company_key)
    deal.save()
    if conflicts:
        deal.conflicting_deals.set(conflicts)
    from incentives import tasks

    tasks.notify_deal_submitted.delay_on_commit(deal_id=deal.pk)
    audit(
        actor=user,
        action="deal.registered",
        target=deal,
        conflict=deal.has_conflict,
        conflicting=[c.pk for c in conflicts],
    )
    return deal


EDITABLE_FIELDS = ("stage", "amount", "currency", "expected_close_date", "contact_name", "contact_email",
                   "contact_phone", "notes")  # fmt: skip


@transaction.atomic
def deal_update(*, deal: Deal, user, data: dict) -> Deal:
    """Partner updates an open deal's stage and details (not the customer: that is what was reviewed)."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_update():
        raise IncentivesError(_("This registration can no longer be changed."))
    stage = data.get("stage", deal.stage)
    if stage not in Deal.OPEN_STAGES:
        raise IncentivesError(_("Use “Record the outcome” to mark a deal as won or lost."))
    changes = {}
    for field in EDITABLE_FIELDS:
        if field in data and getattr(deal, field) != data[field]:
            changes[field] = [str(getattr(deal, field)), str(data[field])]
            setattr(deal, field, data[field])
    if not changes:
        return deal
    deal.amount_jpy = to_jpy(deal.amount, deal.currency)
    resubmit = deal.status in (Deal.Status.APPROVED, Deal.Status.EXPIRED) and (
        "amount" in changes or "currency" in changes
    )
    if resubmit:
        # The approval was for the amount and currency the reviewer saw.
        deal.status = Deal.Status.SUBMITTED
    deal.save()
    audit(actor=user, action="deal.updated", target=deal, changes=changes, back_to_review=resubmit)
    if resubmit:
        from incentives import tasks

        tasks.notify_deal_submitted.delay_on_commit(deal_id=deal.pk)
    return deal


@transaction.atomic
def deal_close(*, deal: Deal, user, won: bool, amount: Decimal | None = None, reason: str = "",
               on: date | None = None) -> Deal:  # fmt: skip
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_close():
        raise IncentivesError(_("Only approved, open registrations can be closed."))
    deal.stage = Deal.Stage.WON if won else Deal.Stage.LOST
    deal.closed_on = on or timezone.localdate()
    resubmit = False
    if won and amount is not None:
        approved = deal.approved_amount if deal.approved_amount is not None else deal.amount
        # Won above the approved amount: counted only once a reviewer approves it.
        resubmit = Decimal(amount) > approved
        deal.amount = amount
        deal.amount_jpy = to_jpy(amount, deal.currency)
    if resubmit:
        deal.status = Deal.Status.SUBMITTED
    if not won:
        deal.lost_reason = reason
    deal.save()
    if won and not resubmit:
        partner_deal_won(partner=deal.partner, on=deal.closed_on)
    if resubmit:
        from incentives import tasks

        tasks.notify_deal_submitted.delay_on_commit(deal_id=deal.pk)
    audit(
        actor=user,
        action="deal.won" if won else "deal.lost",
        target=deal,
        amount=str(deal.amount),
        currency=deal.currency,
        reason=reason,
    )
    return deal


@transaction.atomic
def deal_approve(*, deal: Deal, actor, reason: str = "", on: date | None = None) -> Deal:
    from incentives import tasks

    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_review():
        raise IncentivesError(_("Only registrations under review can be approved."))
    today = on or timezone.localdate()
    deal.status = Deal.Status.APPROVED
    deal.protected_until = today + timedelta(days=protection_days_for(deal.partner))
    deal.review_reason = reason
    deal.reviewed_by = actor
    deal.reviewed_at = timezone.now()
    deal.approved_amount, deal.approved_currency = deal.amount, deal.currency
    deal.save(
        update_fields=[
            "status",
            "protected_until",
            "approved_amount",
            "approved_currency",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    audit(actor=actor, action="deal.approved", target=deal, reason=reason,
          protected_until=deal.protected_until.isoformat(), conflict=deal.has_conflict)  # fmt: skip
    tasks.notify_deal_reviewed.delay_on_commit(deal_id=deal.pk)
    return deal


@transaction.atomic
def deal_reject(*, deal: Deal, actor, reason: str) -> Deal:
    from incentives import tasks

    if not reason.strip():
        raise IncentivesError(_("Give a reason for the rejection; the partner will see it."))
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_review():
        raise IncentivesError(_("Only registrations under review can be rejected."))
    deal.status = Deal.Status.REJECTED
    deal.review_reason = reason
    deal.reviewed_by = actor
    deal.reviewed_at = timezone.now()
    deal.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit(actor=actor, action="deal.rejected", target=deal, reason=reason, conflict=deal.has_conflict)
    tasks.notify_deal_reviewed.delay_on_commit(deal_id=deal.pk)
    return deal


REMINDER_BUSINESS_DAYS = 5  # about a week


@transaction.atomic
def deals_release_protection(*, partner, actor) -> int:
    """The partner was offboarded: its protected registrations stop blocking other partners
    (the deals themselves stay, marked as expired, for reporting)."""
    today = timezone.localdate()
    released = list(
        Deal.objects.for_partner(partner)
        .filter(status=Deal.Status.APPROVED, protected_until__gte=today, stage__in=Deal.OPEN_STAGES)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Deal.objects.filter(pk__in=released).update(
        status=Deal.Status.EXPIRED, protected_until=today - timedelta(days=1), updated_at=timezone.now()
    )
    if released:
        audit(actor=actor, action="deal.protection_released", target=partner, partner=partner, deals=released)
    return len(released)


@transaction.atomic
def deals_protection_sweep(*, today: date | None = None) -> dict:
    """Daily: expire lapsed protection, and claim "ends in a week" reminders (once per date).

    Idempotent: expiry only touches approved deals past their date; a reminder is claimed by
    a conditional UPDATE of `reminder_sent_for`, so a repeat finds nothing to claim.
    """
    from incentives import tasks
    from prm.models import AuditEvent

    today = today or timezone.localdate()
    lapsed = Deal.objects.filter(
        status=Deal.Status.APPROVED, protected_until__lt=today, stage__in=Deal.OPEN_STAGES
    )
    expired = list(
        lapsed.select_for_update().values_list("pk", "partner_id", "customer_company", "protected_until")
    )
    if expired:
        Deal.objects.filter(pk__in=[row[0] for row in expired]).update(
            status=Deal.Status.EXPIRED, updated_at=timezone.now()
        )
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Deal)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="deal.protection_expired",
                target_type=ct,
                target_id=str(pk),
                target_repr=name[:200],
                partner_id=partner_id,
                data={"protected_until": until.isoformat()},
            )
            for pk, partner_id, name, until in expired
        )
    due = Deal.objects.filter(
        status=Deal.Status.APPROVED,
        stage__in=Deal.OPEN_STAGES,
        protected_until__gte=today,
        # Notice REMINDER_BUSINESS_DAYS Japanese business days ahead (holidays and closures skipped).
        protected_until__lte=add_business_days(today, REMINDER_BUSINESS_DAYS),
    ).exclude(reminder_sent_for=F("protected_until"))
    claimed = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
    if claimed:
        Deal.objects.filter(pk__in=claimed).update(reminder_sent_for=F("protected_until"))
        for pk in claimed:
            tasks.notify_protection_ending.delay_on_commit(deal_id=pk)
    return {"expired": len(expired), "reminded": len(claimed)}


# --- Tier recomputation -------------------------------------------------------------

RECOMPUTE_LOCK = 7_406_001  # pg advisory lock key: one recomputation at a time


@dataclass(frozen=True)
class TierMetrics:
    won_revenue: Decimal = Decimal(0)
    won_deals: int = 0
    certified_people: int = 0
    onboarding_completed: bool = False

    def as_json(self) -> dict:
        return {
            "won_revenue": float(self.won_revenue),
            "won_deals": self.won_deals,
            "certified_people": self.certified_people,
            "onboarding_completed": self.onboarding_completed,
        }


def tier_metrics(*, as_of: date) -> dict[int, TierMetrics]:
    """The thresholds' inputs for every partner in the portal: three grouped queries.

    Won deals over the rolling 12 months up to `as_of`, people with a certification valid on
    `as_of`, and whether an onboarding plan was completed (the last two from onboarding,
    through `incentives.sources`)."""
    start = as_of - timedelta(days=365)
    won = {
        row["partner_id"]: row
        for row in Deal.objects.won()
        # A won amount above the approved one is back in review: it counts once approved.
        .exclude(status=Deal.Status.SUBMITTED)
        .filter(closed_on__gt=start, closed_on__lte=as_of)
        .order_by()
        .values("partner_id")
        .annotate(revenue=Sum("amount_jpy"), deals=Count("id"))
    }
    people = dict(
        sources.certifications(as_of=as_of)
        .order_by()
        .values("partner_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("partner_id", "people")
    )
    completed = set(sources.completed_onboarding())
    metrics = {}
    for partner_id in Partner.objects.in_portal().values_list("pk", flat=True):
        w = won.get(partner_id, {})
        metrics[partner_id] = TierMetrics(
            won_revenue=w.get("revenue") or Decimal(0),
            won_deals=w.get("deals", 0),
            certified_people=people.get(partner_id, 0),
            onboarding_completed=partner_id in completed,
        )
    return metrics


def tier_qualified(tiers: list[Tier], m: TierMetrics) -> Tier | None:
    """The highest tier (tiers sorted by rank, highest first) whose thresholds are all met."""
    for tier in tiers:
        if (
            tier.min_won_revenue <= m.won_revenue
            and tier.min_won_deals <= m.won_deals
            and tier.min_certified_people <= m.certified_people
            and (m.onboarding_completed or not tier.requires_onboarding)
        ):
            return tier
    return None


def _rank(tier: Tier | None) -> int:
    return tier.rank if tier is not None else -1


@dataclass(frozen=True)
class TierStateRow:
    """The stored state of one partner, as the decision needs it (read with values_list)."""

    tier_id: int | None
    qualified_tier_id: int | None
    tier_since: date | None
    downgrade_pending_since: date | None
    metrics: TierMetrics


def tier_decide(*, state: TierStateRow | None, qualified: Tier | None, as_of: date, grace: int, tiers_by_id):
    """(new tier, downgrade pending since, tier since, change kind or None) for one partner.

    Upgrades apply at once; a downgrade waits `grace` days (pending) and is cancelled when
    the partner qualifies again before then."""
    old = tiers_by_id.get(state.tier_id) if state else None
    old_pending = state.downgrade_pending_since if state else None
    old_since = state.tier_since if state else None
    if (
        old is None
        or _rank(qualified) >= _rank(old)
        or (old_pending is not None and old_pending + timedelta(days=grace) <= as_of)
    ):
        new = qualified
    else:
        new = old
    pending = (old_pending or as_of) if new != qualified else None
    since = as_of if new != old else old_since
    if new == old:
        if old_pending is None and new != qualified:
            kind = TierChange.Kind.DOWNGRADE_PENDING
        elif old_pending is not None and new == qualified:
            kind = TierChange.Kind.DOWNGRADE_CANCELLED
        else:
            kind = None
    elif old is None:
        kind = TierChange.Kind.INITIAL
    elif _rank(qualified) > _rank(old):
        kind = TierChange.Kind.UPGRADE
    else:
        kind = TierChange.Kind.DOWNGRADE
    return new, pending, since, kind


def _tier_states(partner_ids) -> dict[int, TierStateRow]:
    rows = PartnerTierState.objects.filter(partner_id__in=partner_ids).values_list(
        "partner_id",
        "tier_id",
        "qualified_tier_id",
        "tier_since",
        "downgrade_pending_since",
        "won_revenue",
        "won_deals",
        "certified_people",
        "onboarding_completed",
    )
    return {
        partner_id: TierStateRow(tier_id, q_id, since, pending, TierMetrics(revenue, deals, people, done))
        for partner_id, tier_id, q_id, since, pending, revenue, deals, people, done in rows
    }


# Bulk writes as one statement each: Python lists become columns through unnest(). The
# ORM's bulk_create builds a model instance per row, which is most of the time at 10k rows.
INSERT_CHANGES_SQL = """
INSERT INTO incentives_tierchange
    (partner_id, kind, from_tier_id, to_tier_id, effective_on, downgrade_on,
     metrics_before, metrics_after, created_at)
SELECT c.partner_id, c.kind, c.from_tier_id, c.to_tier_id, %(as_of)s, c.downgrade_on,
       c.metrics_before::jsonb, c.metrics_after::jsonb, %(now)s
FROM unnest(%(partner_id)s::bigint[], %(kind)s::text[], %(from_tier_id)s::bigint[],
            %(to_tier_id)s::bigint[], %(downgrade_on)s::date[], %(metrics_before)s::text[],
            %(metrics_after)s::text[])
     AS c(partner_id, kind, from_tier_id, to_tier_id, downgrade_on, metrics_before, metrics_after)
RETURNING id, kind
"""

UPSERT_STATES_SQL = """
INSERT INTO incentives_partnertierstate
    (partner_id, tier_id, qualified_tier_id, tier_since, downgrade_pending_since,
     won_revenue, won_deals, certified_people, onboarding_completed, leaderboard_opt_in)
SELECT s.*, FALSE
FROM unnest(%(partner_id)s::bigint[], %(tier_id)s::bigint[], %(qualified_tier_id)s::bigint[],
            %(tier_since)s::date[], %(downgrade_pending_since)s::date[], %(won_revenue)s::numeric[],
            %(won_deals)s::integer[], %(certified_people)s::integer[], %(onboarding_completed)s::boolean[])
     AS s
ON CONFLICT (partner_id) DO UPDATE SET
    tier_id = EXCLUDED.tier_id,
    qualified_tier_id = EXCLUDED.qualified_tier_id,
    tier_since = EXCLUDED.tier_since,
    downgrade_pending_since = EXCLUDED.downgrade_pending_since,
    won_revenue = EXCLUDED.won_revenue,
    won_deals = EXCLUDED.won_deals,
    certified_people = EXCLUDED.certified_people,
    onboarding_completed = EXCLUDED.onboarding_completed
"""


def _columns(rows: list[dict]) -> dict[str, list]:
    return {key: [row[key] for row in rows] for key in rows[0]} if rows else {}


@transaction.atomic
def tiers_recompute(*, as_of: date | None = None, actor=None) -> RecomputationRun:
    """Evaluate every partner against the tier thresholds, set-based.

    A fixed number of queries whatever the number of partners: the metrics (grouped), the
    tiers, the stored states, one INSERT of the changes (with before/after metrics) and one
    upsert of the states that changed. The decision per partner is plain Python
    (`tier_qualified`, `tier_decide`). A second run with the same data changes nothing.
    One run at a time (advisory lock).
    """
    import json

    from incentives import tasks

    as_of = as_of or timezone.localdate()
    grace = grace_days()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])
    metrics = tier_metrics(as_of=as_of)
    tiers = list(Tier.objects.order_by("-rank"))
    tiers_by_id = {t.pk: t for t in tiers}
    states = _tier_states(list(metrics))
    changes, upserts = [], []
    for partner_id, m in metrics.items():
        state = states.get(partner_id)
        qualified = tier_qualified(tiers, m)
        new, pending, since, kind = tier_decide(
            state=state, qualified=qualified, as_of=as_of, grace=grace, tiers_by_id=tiers_by_id
        )
        new_id, qualified_id = getattr(new, "pk", None), getattr(qualified, "pk", None)
        if kind is not None:
            changes.append(
                {
                    "partner_id": partner_id,
                    "kind": kind,
                    "from_tier_id": state.tier_id if state else None,
                    "to_tier_id": new_id,
                    "downgrade_on": pending + timedelta(days=grace)
                    if kind == TierChange.Kind.DOWNGRADE_PENDING
                    else None,
                    "metrics_before": json.dumps(state.metrics.as_json() if state else {}),
                    "metrics_after": json.dumps(m.as_json()),
                }
            )
        if (
            state is None
            or (state.tier_id, state.qualified_tier_id, state.tier_since)
            != (
                new_id,
                qualified_id,
                since,
            )
            or state.downgrade_pending_since != pending
            or state.metrics != m
        ):
            upserts.append(
                {
                    "partner_id": partner_id,
                    "tier_id": new_id,
                    "qualified_tier_id": qualified_id,
                    "tier_since": since,
                    "downgrade_pending_since": pending,
                    "won_revenue": m.won_revenue,
                    "won_deals": m.won_deals,
                    "certified_people": m.certified_people,
                    "onboarding_completed": m.onboarding_completed,
                }
            )
    created = []
    with connection.cursor() as cursor:
        if changes:
            cursor.execute(INSERT_CHANGES_SQL, {"as_of": as_of, "now": timezone.now(), **_columns(changes)})
            created = cursor.fetchall()
        if upserts:
            cursor.execute(UPSERT_STATES_SQL, _columns(upserts))
    run = RecomputationRun.objects.create(
        as_of=as_of, partners=len(metrics), changes=len(created), triggered_by=actor
    )
    notify = [
        pk for pk, kind in created if kind in (TierChange.Kind.UPGRADE, TierChange.Kind.DOWNGRADE_PENDING)
    ]
    if notify:
        tasks.notify_tier_changes.delay_on_commit(change_ids=notify)
    # A set-based job: the partners whose state it wrote, and the catalogue (the last run,
    # the leaderboard's ranking is keyed by it).
    pagecache.bump(pagecache.catalogue(), *(pagecache.partner(row["partner_id"]) for row in upserts))
    transaction.on_commit(
        lambda: tiers_recomputed.send(sender=RecomputationRun, run=run, changes=run.changes)
    )
    return run


# --- Earnings and statements ----------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _program_candidates(program: IncentiveProgram, start: date, end: date) -> list[tuple]:
    """(partner_id, deal_id, tier_change_id, basis, amount) rows a program earns in [start, end]."""
    start, end = max(start, program.starts_on), min(end, program.ends_on)
    if start > end:
        return []
    tier_ids = [t.pk for t in program.eligible_tiers.all()]
    product_ids = [p.pk for p in program.eligible_products.all()]
    if program.kind == IncentiveProgram.Kind.TIER_BONUS:
        changes = TierChange.objects.filter(
            kind__in=[TierChange.Kind.UPGRADE, TierChange.Kind.INITIAL],
            effective_on__range=(start, end),
            to_tier__rank__gte=program.bonus_tier.rank,
        )
        if tier_ids:
            changes = changes.filter(to_tier_id__in=tier_ids)
        rows, seen = [], set()
        for partner_id, change_id in changes.order_by("effective_on", "pk").values_list("partner_id", "pk"):
            if partner_id not in seen:
                seen.add(partner_id)
                rows.append((partner_id, None, change_id, Decimal(0), program.amount))
        return rows
    deals = Deal.objects.won().filter(closed_on__range=(start, end))
    if product_ids:
        deals = deals.filter(product_id__in=product_ids)
    if tier_ids:
        deals = deals.filter(partner__tier_state__tier_id__in=tier_ids)
    rows = []
    for partner_id, deal_id, basis in deals.values_list("partner_id", "pk", "amount_jpy"):
        if program.kind == IncentiveProgram.Kind.SPIFF:
            amount = program.amount
        else:
            amount = (basis * program.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
        rows.append((partner_id, deal_id, None, basis, amount))
    return rows


@transaction.atomic
def earnings_compute(*, period: date, actor=None) -> dict:
    """Compute earnings of every active program for one month into draft statements.

    Idempotent: an earning is unique per (program, deal) or (program, partner) for bonuses,
    and approved or paid statements are never touched.
    """
    start, end = month_start(period), month_end(period)
    programs = (
        IncentiveProgram.objects.filter(is_active=True, starts_on__lte=end, ends_on__gte=start)
        .select_related("bonus_tier")
        .prefetch_related("eligible_tiers", "eligible_products")
    )
    candidates = [(program, row) for program in programs for row in _program_candidates(program, start, end)]
    partner_ids = {row[0] for _p, row in candidates}
    Statement.objects.bulk_create(
        [Statement(partner_id=pid, period=start) for pid in partner_ids], ignore_conflicts=True
    )
    drafts = dict(
        Statement.objects.filter(
            period=start, status=Statement.Status.DRAFT, partner_id__in=partner_ids
        ).values_list("partner_id", "pk")
    )
    created = Earning.objects.bulk_create(
        [
            Earning(
                statement_id=drafts[pid],
                program=program,
                partner_id=pid,
                deal_id=deal_id,
                tier_change_id=change_id,
                basis=basis,
                amount=amount,
            )
            for program, (pid, deal_id, change_id, basis, amount) in candidates
            if pid in drafts
        ],
        ignore_conflicts=True,
    )
    totals = (
        Earning.objects.filter(statement=OuterRef("pk"))
        .values("statement")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    Statement.objects.filter(period=start, status=Statement.Status.DRAFT).update(
        total=Coalesce(Subquery(totals), Decimal(0))
    )
    # Drafts left without earnings (a deal reopened, a program deactivated) are removed.
    Statement.objects.filter(period=start, status=Statement.Status.DRAFT).exclude(
        Exists(Earning.objects.filter(statement=OuterRef("pk")))
    ).delete()
    # Draft lines of any partner may have changed or gone (see above): rebuild every row.
    program_cost_refresh()
    if actor is not None:
        audit(actor=actor, action="earnings.computed", period=start.isoformat(), candidates=len(candidates))
    return {"programs": len(programs), "statements": len(drafts), "candidates": len(created)}


@transaction.atomic
def statement_approve(*, statement: Statement, actor) -> Statement:
    statement = _statement_approve(statement=statement, actor=actor)
    program_cost_refresh(partner_ids=[statement.partner_id])
    return statement


@transaction.atomic
def statement_mark_paid(*, statement: Statement, actor) -> Statement:
    statement = _statement_mark_paid(statement=statement, actor=actor)
    program_cost_refresh(partner_ids=[statement.partner_id])
    return statement


def _statement_approve(*, statement: Statement, actor) -> Statement:
    return transition(
        statement,
        allowed=lambda s: s.status == Statement.Status.DRAFT,
        error=IncentivesError(_("Only draft statements can be approved.")),
        values=lambda s: {
            "status": Statement.Status.APPROVED,
            "approved_at": timezone.now(),
            "approved_by": actor,
        },
        action="statement.approved",
        actor=actor,
        audit_data=lambda s: {"total": str(s.total)},
    )


def _statement_mark_paid(*, statement: Statement, actor) -> Statement:
    return transition(
        statement,
        allowed=lambda s: s.status == Statement.Status.APPROVED,
        error=IncentivesError(_("Only approved statements can be marked as paid.")),
        values=lambda s: {"status": Statement.Status.PAID, "paid_at": timezone.now()},
        action="statement.paid",
        actor=actor,
        audit_data=lambda s: {"total": str(s.total)},
    )


@transaction.atomic
def leaderboard_opt_in_set(*, partner, user, opted_in: bool) -> PartnerTierState:
    state, _created = PartnerTierState.objects.select_for_update().get_or_create(partner=partner)
    if state.leaderboard_opt_in != opted_in:
        state.leaderboard_opt_in = opted_in
        state.save(update_fields=["leaderboard_opt_in"])
        audit(actor=user, action="leaderboard.opt_in" if opted_in else "leaderboard.opt_out", target=state,
              partner=partner)  # fmt: skip
    return state


def review_sla_days() -> int:
    """Registrations waiting longer than this are flagged overdue in the review queue."""
    return int(getattr(settings, "PRM_DEAL_REVIEW_SLA_DAYS", 2))
