"""Writes of the incentives app: deal registration and review, protection expiry, tier
recomputation, earnings and statements. Keyword-only, transactional, audited."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Length, StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from prm.audit import audit
from prm.business_days import add_business_days
from prm.hooks import call_hook

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
    deal.save()
    audit(actor=user, action="deal.updated", target=deal, changes=changes)
    return deal


@transaction.atomic
def deal_close(*, deal: Deal, user, won: bool, amount: Decimal | None = None, reason: str = "",
               on: date | None = None) -> Deal:  # fmt: skip
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_close():
        raise IncentivesError(_("Only approved, open registrations can be closed."))
    deal.stage = Deal.Stage.WON if won else Deal.Stage.LOST
    deal.closed_on = on or timezone.localdate()
    if won and amount is not None:
        deal.amount = amount
        deal.amount_jpy = to_jpy(amount, deal.currency)
    if not won:
        deal.lost_reason = reason
    deal.save()
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
    deal.save(
        update_fields=[
            "status",
            "protected_until",
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


def _subquery_sql(qs, fields: tuple[str, ...]):
    """SQL and params of a QuerySet (another app's) to embed as a subquery."""
    from django.core.exceptions import EmptyResultSet

    # No ORDER BY: with DISTINCT, Django would add the ordering columns to the select list.
    qs = qs.order_by()
    if fields:
        qs = qs.values(*fields)
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # qs.none() or a filter that can match nothing
        cols = ", ".join(f"NULL::bigint AS {f}" for f in fields) or "NULL::bigint"
        return f"SELECT {cols} WHERE FALSE", []
    return sql, list(params)


def _certifications_sql(as_of: date):
    qs = call_hook("onboarding.queries.valid_certifications", as_of=as_of)
    if qs is None:
        return "SELECT NULL::bigint AS partner_id, NULL::bigint AS user_id WHERE FALSE", []
    sql, params = _subquery_sql(qs, ("partner_id", "user_id"))
    return f"SELECT c0.partner_id, c0.user_id FROM ({sql}) c0", params  # noqa: S608 - compiled ORM SQL


def _completed_sql():
    qs = call_hook("onboarding.queries.completed_plan_partner_ids")
    if qs is None:
        return "SELECT NULL::bigint WHERE FALSE", []
    return _subquery_sql(qs, ())


RECOMPUTE_SQL = """
WITH won AS (
    SELECT d.partner_id, SUM(d.amount_jpy) AS revenue, COUNT(*) AS deals
    FROM incentives_deal d
    WHERE d.stage = 'won' AND d.closed_on > %(start)s AND d.closed_on <= %(as_of)s
    GROUP BY d.partner_id
), certs AS (
    SELECT c.partner_id, COUNT(DISTINCT c.user_id) AS people FROM ({certs}) c GROUP BY c.partner_id
), completed AS (
    SELECT DISTINCT x.id AS partner_id FROM ({completed}) AS x(id)
), metrics AS (
    SELECT p.id AS partner_id,
           COALESCE(w.revenue, 0) AS won_revenue,
           COALESCE(w.deals, 0) AS won_deals,
           COALESCE(c.people, 0) AS certified_people,
           (oc.partner_id IS NOT NULL) AS onboarding_completed
    FROM partners_partner p
    LEFT JOIN won w ON w.partner_id = p.id
    LEFT JOIN certs c ON c.partner_id = p.id
    LEFT JOIN completed oc ON oc.partner_id = p.id
    WHERE p.status IN ('onboarding', 'active')
), qualified AS (
    SELECT m.*, (
        SELECT t.id FROM incentives_tier t
        WHERE t.min_won_revenue <= m.won_revenue AND t.min_won_deals <= m.won_deals
          AND t.min_certified_people <= m.certified_people
          AND (NOT t.requires_onboarding OR m.onboarding_completed)
        ORDER BY t.rank DESC LIMIT 1
    ) AS q_tier_id
    FROM metrics m
), joined AS (
    SELECT q.*, s.id AS state_id, s.tier_id AS old_tier_id, s.tier_since AS old_since,
           s.downgrade_pending_since AS old_pending, s.qualified_tier_id AS old_q_tier_id,
           s.won_revenue AS old_revenue, s.won_deals AS old_deals,
           s.certified_people AS old_people, s.onboarding_completed AS old_onboarding,
           COALESCE(qt.rank, -1) AS q_rank, COALESCE(ot.rank, -1) AS o_rank
    FROM qualified q
    LEFT JOIN incentives_partnertierstate s ON s.partner_id = q.partner_id
    LEFT JOIN incentives_tier qt ON qt.id = q.q_tier_id
    LEFT JOIN incentives_tier ot ON ot.id = s.tier_id
), decided AS (
    SELECT j.*,
        CASE
            WHEN j.old_tier_id IS NULL OR j.q_rank >= j.o_rank THEN j.q_tier_id
            WHEN j.old_pending IS NOT NULL AND j.old_pending + %(grace)s <= %(as_of)s THEN j.q_tier_id
            ELSE j.old_tier_id
        END AS new_tier_id
    FROM joined j
), final AS (
    SELECT d.*,
        CASE WHEN d.new_tier_id IS DISTINCT FROM d.q_tier_id THEN COALESCE(d.old_pending, %(as_of)s) END AS new_pending,
        CASE WHEN d.new_tier_id IS DISTINCT FROM d.old_tier_id THEN %(as_of)s ELSE d.old_since END AS new_since,
        CASE
            WHEN d.new_tier_id IS NOT DISTINCT FROM d.old_tier_id THEN
                CASE
                    WHEN d.old_pending IS NULL AND d.new_tier_id IS DISTINCT FROM d.q_tier_id THEN 'downgrade_pending'
                    WHEN d.old_pending IS NOT NULL AND d.new_tier_id IS NOT DISTINCT FROM d.q_tier_id
                        THEN 'downgrade_cancelled'
                END
            WHEN d.old_tier_id IS NULL THEN 'initial'
            WHEN d.q_rank > d.o_rank THEN 'upgrade'
            ELSE 'downgrade'
        END AS kind
    FROM decided d
), changes AS (
    INSERT INTO incentives_tierchange
        (partner_id, kind, from_tier_id, to_tier_id, effective_on, downgrade_on,
         metrics_before, metrics_after, created_at)
    SELECT f.partner_id, f.kind, f.old_tier_id, f.new_tier_id, %(as_of)s,
        CASE WHEN f.kind = 'downgrade_pending' THEN f.new_pending + %(grace)s END,
        CASE WHEN f.state_id IS NULL THEN '{{}}'::jsonb ELSE jsonb_build_object(
            'won_revenue', f.old_revenue, 'won_deals', f.old_deals,
            'certified_people', f.old_people, 'onboarding_completed', f.old_onboarding) END,
        jsonb_build_object(
            'won_revenue', f.won_revenue, 'won_deals', f.won_deals,
            'certified_people', f.certified_people, 'onboarding_completed', f.onboarding_completed),
        %(now)s
    FROM final f WHERE f.kind IS NOT NULL
    RETURNING id, kind
), upserted AS (
    INSERT INTO incentives_partnertierstate
        (partner_id, tier_id, qualified_tier_id, tier_since, downgrade_pending_since,
         won_revenue, won_deals, certified_people, onboarding_completed, leaderboard_opt_in)
    SELECT f.partner_id, f.new_tier_id, f.q_tier_id, f.new_since, f.new_pending,
           f.won_revenue, f.won_deals, f.certified_people, f.onboarding_completed, FALSE
    FROM final f
    WHERE f.state_id IS NULL
       OR f.new_tier_id IS DISTINCT FROM f.old_tier_id
       OR f.q_tier_id IS DISTINCT FROM f.old_q_tier_id
       OR f.new_pending IS DISTINCT FROM f.old_pending
       OR f.new_since IS DISTINCT FROM f.old_since
       OR f.won_revenue <> f.old_revenue OR f.won_deals <> f.old_deals
       OR f.certified_people <> f.old_people OR f.onboarding_completed <> f.old_onboarding
    ON CONFLICT (partner_id) DO UPDATE SET
        tier_id = EXCLUDED.tier_id,
        qualified_tier_id = EXCLUDED.qualified_tier_id,
        tier_since = EXCLUDED.tier_since,
        downgrade_pending_since = EXCLUDED.downgrade_pending_since,
        won_revenue = EXCLUDED.won_revenue,
        won_deals = EXCLUDED.won_deals,
        certified_people = EXCLUDED.certified_people,
        onboarding_completed = EXCLUDED.onboarding_completed
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM final),
       (SELECT COUNT(*) FROM upserted),
       COALESCE((SELECT json_agg(json_build_array(id, kind)) FROM changes), '[]'::json)
"""


@transaction.atomic
def tiers_recompute(*, as_of: date | None = None, actor=None) -> RecomputationRun:
    """Evaluate every partner against the tier thresholds in one SQL statement.

    Aggregates over deals (rolling 12 months), valid certifications and completed onboarding
    plans (the onboarding app's QuerySets, embedded as subqueries), picks the highest tier
    whose thresholds are all met, applies the downgrade grace period, records changes with
    before/after metrics and upserts the state rows that changed. The number of queries does
    not depend on the number of partners; a second run with the same data changes nothing.
    """
    from incentives import tasks

    as_of = as_of or timezone.localdate()
    named = {
        "start": as_of - timedelta(days=365),
        "as_of": as_of,
        "grace": grace_days(),
        "now": timezone.now(),
    }
    certs_sql = _named(*_certifications_sql(as_of), prefix="cert", into=named)
    completed_sql = _named(*_completed_sql(), prefix="done", into=named)
    sql = RECOMPUTE_SQL.format(certs=certs_sql, completed=completed_sql)
    params = named
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])
        cursor.execute(sql, params)
        evaluated, _updated, changes = cursor.fetchone()
    if isinstance(changes, str):
        import json

        changes = json.loads(changes)
    run = RecomputationRun.objects.create(
        as_of=as_of, partners=evaluated, changes=len(changes), triggered_by=actor
    )
    notify = [
        pk for pk, kind in changes if kind in (TierChange.Kind.UPGRADE, TierChange.Kind.DOWNGRADE_PENDING)
    ]
    if notify:
        tasks.notify_tier_changes.delay_on_commit(change_ids=notify)
    return run


def _named(sql: str, params: list, *, prefix: str, into: dict) -> str:
    """Rewrite a compiled subquery's positional %s placeholders as named ones in `into`."""
    import re

    counter = iter(range(len(params)))

    def repl(match):
        if match.group(0) == "%%":
            return "%%"
        i = next(counter)
        into[f"{prefix}{i}"] = params[i]
        return f"%({prefix}{i})s"

    return re.sub(r"%%|%s", repl, sql).replace("{", "{{").replace("}", "}}")


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
    if actor is not None:
        audit(actor=actor, action="earnings.computed", period=start.isoformat(), candidates=len(candidates))
    return {"programs": len(programs), "statements": len(drafts), "candidates": len(created)}


@transaction.atomic
def statement_approve(*, statement: Statement, actor) -> Statement:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.DRAFT:
        raise IncentivesError(_("Only draft statements can be approved."))
    statement.status = Statement.Status.APPROVED
    statement.approved_at = timezone.now()
    statement.approved_by = actor
    statement.save(update_fields=["status", "approved_at", "approved_by"])
    audit(actor=actor, action="statement.approved", target=statement, total=str(statement.total))
    return statement


@transaction.atomic
def statement_mark_paid(*, statement: Statement, actor) -> Statement:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.APPROVED:
        raise IncentivesError(_("Only approved statements can be marked as paid."))
    statement.status = Statement.Status.PAID
    statement.paid_at = timezone.now()
    statement.save(update_fields=["status", "paid_at"])
    audit(actor=actor, action="statement.paid", target=statement, total=str(statement.total))
    return statement


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
