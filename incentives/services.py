"""Writes of the incentives app: deal registration and review, protection expiry, tier
recomputation, earnings and statements. Keyword-only, transactional, audited."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection, transaction
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Length, StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives import webhooks
from incentives.models import (
    Deal,
    DealCredit,
    Earning,
    IncentiveProgram,
    PartnerTierState,
    ProtectionExtension,
    RecomputationRun,
    Statement,
    Tier,
    TierChange,
)
from incentives.normalise import company_key, domain_key
from incentives.rollups import program_cost_refresh
from incentives.signals import tiers_recomputed
from partners.models import Membership, Partner
from partners.services import partner_deal_won
from privacy import services as privacy
from privacy.models import ProvisionRecord
from prm.audit.log import audit, audit_many, audit_scrub
from prm.audit.transitions import transition
from prm.cache import pagecache
from prm.i18n.business_days import add_business_days
from prm.i18n.kana import fill_reading
from prm.webhooks import outbox
from prm.webhooks import registry as webhook_registry
from training import queries as training_queries

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


def tier_of(partner) -> Tier | None:
    """The partner's current tier, else the entry tier (a partner not yet recomputed)."""
    state = PartnerTierState.objects.filter(partner=partner).select_related("tier").first()
    return state.tier if state and state.tier else _entry_tier()


def protection_days_for(partner) -> int:
    tier = tier_of(partner)
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


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def contact_items(deal: Deal) -> list[str]:
    """The personal data items a deal carries (privacy.models.ITEMS codes)."""
    return ["name", "company"] + [
        code
        for code, field in (("email", "contact_email"), ("phone", "contact_phone"))
        if getattr(deal, field)
    ]


def deal_provision_record(*, deal: Deal, user, source: str, acquisition: str) -> None:
    """The partner gave us the customer contact: a third-party provision record (APPI)."""
    if not deal.contact_name.strip():
        return
    privacy.provision_record(
        source=source,
        source_object=deal,
        partner=deal.partner,
        user=user,
        subject_name=deal.contact_name,
        subject_company=deal.customer_company,
        items=contact_items(deal),
        basis=ProvisionRecord.Basis.CONSENT,
        acquisition=acquisition,
    )


def _new_registration(*, partner, user, data: dict, source: str = Deal.Source.PARTNER) -> tuple[Deal, str]:
    """The unsaved registration and how the contact was obtained: the rules every new
    registration follows (consent for a contact, normalised keys, an open stage)."""
    data = dict(data)
    acquisition = data.pop("contact_source", "") or ProvisionRecord.Acquisition.OTHER
    consent = data.pop("contact_consent", None)
    if (data.get("contact_name") or "").strip() and consent is False:
        raise IncentivesError(_("Confirm that the contact agreed to their details being passed on to us."))
    deal = Deal(partner=partner, registered_by=user, source=source, **data)
    deal.counted_amount_jpy = deal.approved_amount = deal.approved_amount_jpy = None
    deal.customer_domain = domain_key(deal.customer_domain)
    deal.company_key = company_key(deal.customer_company)
    deal.amount_jpy = to_jpy(deal.amount, deal.currency)
    deal.status = Deal.Status.SUBMITTED
    deal.stage = data.get("stage") or Deal.Stage.QUALIFYING
    if deal.stage not in Deal.OPEN_STAGES:
        raise IncentivesError(_("A new registration must be in an open stage."))
    return deal, acquisition


@transaction.atomic
def deal_register(*, partner, user, data: dict, source: str = Deal.Source.PARTNER) -> Deal:
    """Register an opportunity; flag it for the reviewer if it conflicts with another partner's.

    `source` "lead": the leads app converts a lead the vendor passed; the contact came from
    the vendor, so no provision record (partner to vendor) is kept for it.

    `data` may say how the partner obtained the contact (`contact_source`, an
    Acquisition value) and must confirm the person's consent (`contact_consent`) when it
    names a contact: the provision is recorded in the same transaction."""
    deal, acquisition = _new_registration(partner=partner, user=user, data=data, source=source)
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
    if source != Deal.Source.LEAD:
        deal_provision_record(
            deal=deal, user=user, source=ProvisionRecord.Source.DEAL_REGISTRATION, acquisition=acquisition
        )
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


CONFLICTS_SQL = """
SELECT n.i, d.id
FROM unnest(%(idx)s::int[], %(domain)s::text[], %(key)s::text[], %(partner)s::int[])
     AS n(i, domain, key, partner_id)
JOIN incentives_deal d
  ON d.status = %(approved)s AND d.protected_until >= %(on)s AND d.stage = ANY(%(open)s)
 AND d.partner_id <> n.partner_id
 AND ((n.domain <> '' AND d.customer_domain = n.domain)
   OR (n.key <> '' AND (d.company_key = n.key
       OR (length(n.key) >= %(min)s AND (strpos(d.company_key, n.key) > 0
           OR (length(d.company_key) >= %(min)s AND strpos(n.key, d.company_key) > 0))))))
"""


def _conflicts_many(deals: list[Deal], on: date) -> dict[int, list[Deal]]:
    """`find_conflicts` for many new registrations in one statement: {index: conflicts}."""
    params: dict[str, Any] = {
        "idx": list(range(len(deals))),
        "domain": [d.customer_domain for d in deals],
        "key": [d.company_key for d in deals],
        "partner": [d.partner_id for d in deals],
        "approved": Deal.Status.APPROVED,
        "on": on,
        "open": list(Deal.OPEN_STAGES),
        "min": MIN_CONTAINED_KEY,
    }
    with connection.cursor() as cursor:
        cursor.execute(CONFLICTS_SQL, params)
        pairs = cursor.fetchall()
    others = Deal.objects.select_related("partner").in_bulk({deal_id for _i, deal_id in pairs})
    found: dict[int, list[Deal]] = {}
    for index, deal_id in sorted(pairs):
        found.setdefault(index, []).append(others[deal_id])
    return found


@transaction.atomic
def deals_register_many(*, registrations: list[tuple[Partner, dict]], user) -> list[Deal]:
    """`deal_register` for many registrations at once (a bulk import): the same rules, the
    same conflict check (one statement for all), the same provision records, audit rows,
    webhook events and reviewer notifications, in a handful of statements."""
    deals, sources = [], []
    for partner, data in registrations:
        deal, source = _new_registration(partner=partner, user=user, data=data)
        sources.append(source)
        fill_reading(deal, "customer_company", "customer_company_kana")
        fill_reading(deal, "contact_name", "contact_name_kana")
        deals.append(deal)
    conflicts = _conflicts_many(deals, timezone.localdate())
    for index, deal in enumerate(deals):
        found = conflicts.get(index, [])
        deal.has_conflict = bool(found)
        deal.conflict_notes = _conflict_notes(found, domain=deal.customer_domain, key=deal.company_key)
    Deal.objects.bulk_create(deals)
    Deal.conflicting_deals.through.objects.bulk_create(
        Deal.conflicting_deals.through(from_deal_id=deal.pk, to_deal_id=other.pk)
        for index, deal in enumerate(deals)
        for other in conflicts.get(index, [])
    )
    privacy.provision_records_many(
        source=ProvisionRecord.Source.DEAL_REGISTRATION,
        user=user,
        rows=(
            (deal, deal.partner, deal.contact_name, deal.customer_company, contact_items(deal), source)
            for deal, source in zip(deals, sources, strict=True)
            if deal.contact_name.strip()
        ),
    )
    rows = [
        (
            d.pk,
            str(d),
            d.partner_id,
            {"conflict": d.has_conflict, "conflicting": [c.pk for c in conflicts.get(i, [])]},
        )
        for i, d in enumerate(deals)
    ]
    audit_many(actor=user, action="deal.registered", model=Deal, rows=rows)
    for event_type in webhook_registry.for_action("deal.registered", {}):
        outbox.publish_many(event_type, [(d.pk, d.partner_id) for d in deals])
    from incentives import tasks

    for deal in deals:
        tasks.notify_deal_submitted.delay_on_commit(deal_id=deal.pk)
    return deals


EDITABLE_FIELDS = (
    "stage",
    "amount",
    "currency",
    "expected_close_date",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
)


@transaction.atomic
def deal_update(*, deal: Deal, user, data: dict) -> Deal:
    """Partner updates an open deal's stage and details (not the customer: that is what was reviewed).
    A changed contact is a new provision of personal data: recorded (the form confirmed consent)."""
    data = dict(data)
    consent = data.pop("contact_consent", None)
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
    new_contact = any(field in changes for field in CONTACT_FIELDS) and deal.contact_name.strip()
    if new_contact and consent is not True:
        raise IncentivesError(_("A changed contact needs the person's consent before you pass it on to us."))
    if new_contact:
        deal.contacts_anonymised_at = None
    deal.save()
    if new_contact:
        first = (
            ProvisionRecord.objects.filter(
                source_type__model="deal", source_type__app_label="incentives", source_id=str(deal.pk)
            )
            .order_by("provided_at")
            .values_list("acquisition", flat=True)
            .first()
        )
        deal_provision_record(
            deal=deal,
            user=user,
            source=ProvisionRecord.Source.DEAL_CONTACT_CHANGE,
            acquisition=first or ProvisionRecord.Acquisition.OTHER,
        )
    audit(actor=user, action="deal.updated", target=deal, changes=changes, back_to_review=resubmit)
    if resubmit:
        from incentives import tasks

        tasks.notify_deal_submitted.delay_on_commit(deal_id=deal.pk)
    return deal


def won_max_ratio() -> Decimal:
    """A won amount may be at most this multiple of the approved amount (then review)."""
    return Decimal(str(getattr(settings, "PRM_DEAL_WON_MAX_RATIO", 3)))


def won_amount_ceiling(deal: Deal) -> Decimal | None:
    """The largest won amount a partner may record for an approved deal (None: no approval
    to compare with). Above it the win is refused; above the approved amount it is reviewed."""
    if deal.approved_amount is None:
        return None
    return (deal.approved_amount * won_max_ratio()).quantize(Decimal("0.01"))


def _reviewed_status(deal: Deal, today: date) -> str:
    """The status a reviewed registration has: approved while protected (or once won),
    expired when its protection has lapsed. A re-review never extends the protection."""
    if deal.stage == Deal.Stage.WON or (deal.protected_until and deal.protected_until >= today):
        return Deal.Status.APPROVED
    return Deal.Status.EXPIRED


def _approved(deal: Deal) -> tuple[Decimal, Decimal]:
    """The approved amount and its yen figure (set together: `deal_approved_amount_valid`)."""
    if deal.approved_amount is None or deal.approved_amount_jpy is None:
        raise ValueError(f"deal {deal.pk} has no approved amount")
    return deal.approved_amount, deal.approved_amount_jpy


def _count(deal: Deal, figure: Decimal | None) -> None:
    """Set the reviewed figure (never above what was approved; the database checks it too)."""
    if figure is not None:
        figure = min(Decimal(figure), _approved(deal)[1])
    deal.counted_amount_jpy = figure


@transaction.atomic
def deal_close(
    *, deal: Deal, user, won: bool, amount: Decimal | None = None, reason: str = "", on: date | None = None
) -> Deal:
    """Record the outcome. A win at or below the approved amount counts at once (the reviewer
    approved up to it); above it the win goes back to review and counts nothing until a
    reviewer decides; above `won_max_ratio()` times it the win is refused."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_close():
        raise IncentivesError(_("Only approved, open registrations can be closed."))
    if won and amount is not None:
        ceiling = won_amount_ceiling(deal)
        if ceiling is not None and Decimal(amount) > ceiling:
            raise IncentivesError(won_ceiling_message(deal, ceiling))
    deal.stage = Deal.Stage.WON if won else Deal.Stage.LOST
    deal.closed_on = on or timezone.localdate()
    resubmit = False
    if won:
        if amount is not None:
            # Won above the approved amount (or without one): counted only once a reviewer approves it.
            resubmit = deal.approved_amount is None or Decimal(amount) > deal.approved_amount
            deal.amount = amount
            deal.amount_jpy = to_jpy(amount, deal.currency)
        if resubmit:
            deal.status = Deal.Status.SUBMITTED
            _count(deal, None)
        else:
            _count(deal, deal.amount_jpy)
    else:
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
        back_to_review=resubmit,
        counted=str(deal.counted_amount_jpy) if deal.counted_amount_jpy is not None else None,
    )
    if won:
        deal_earnings_follow(deal_ids=[deal.pk])
    return deal


def won_ceiling_message(deal: Deal, ceiling: Decimal) -> str:
    return _(
        "The won amount can be at most %(ratio)s times the approved amount "
        "(at most %(ceiling)s %(currency)s). If the contract really is larger, first update the "
        "registration's amount so that your channel manager can review it, then record the win."
    ) % {
        "ratio": f"{won_max_ratio().normalize():f}",
        "ceiling": intcomma(int(ceiling)),
        "currency": deal.approved_currency or deal.currency,
    }


@transaction.atomic
def deal_approve(*, deal: Deal, actor, reason: str = "", on: date | None = None) -> Deal:
    """Approve a registration, or (a re-review) the changed amount or the won amount.

    A first approval starts the protection; a re-review keeps the protection it had. A won
    deal's approved amount becomes its counted figure."""
    from incentives import tasks

    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_review():
        raise IncentivesError(_("Only registrations under review can be approved."))
    today = on or timezone.localdate()
    re_review = deal.is_re_review
    if not re_review or deal.protected_until is None:
        deal.protected_until = today + timedelta(days=protection_days_for(deal.partner))
    deal.first_approved_at = deal.first_approved_at or timezone.now()
    deal.status = _reviewed_status(deal, today)
    deal.review_reason = reason
    deal.reviewed_by = actor
    deal.reviewed_at = timezone.now()
    deal.approved_amount, deal.approved_currency = deal.amount, deal.currency
    deal.approved_amount_jpy = deal.amount_jpy
    if deal.stage == Deal.Stage.WON:
        _count(deal, deal.amount_jpy)
    deal.save(
        update_fields=[
            "status",
            "protected_until",
            "first_approved_at",
            "approved_amount",
            "approved_currency",
            "approved_amount_jpy",
            "counted_amount_jpy",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    if deal.stage == Deal.Stage.WON:
        partner_deal_won(partner=deal.partner, on=deal.closed_on)
    audit(
        actor=actor,
        action="deal.approved",
        target=deal,
        reason=reason,
        re_review=re_review,
        amount=str(deal.amount),
        currency=deal.currency,
        protected_until=deal.protected_until.isoformat(),
        conflict=deal.has_conflict,
    )
    tasks.notify_deal_reviewed.delay_on_commit(deal_id=deal.pk, decision="approved")
    if deal.stage == Deal.Stage.WON:
        deal_earnings_follow(deal_ids=[deal.pk])
    return deal


@transaction.atomic
def deal_reject(*, deal: Deal, actor, reason: str, on: date | None = None) -> Deal:
    """Reject a registration; for a re-review, reject the change: the approved amount and
    currency are restored (a won deal counts at the approved amount, as if it had been won
    at it) and the registration keeps its approval."""
    from incentives import tasks

    if not reason.strip():
        raise IncentivesError(_("Give a reason for the rejection; the partner will see it."))
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if not deal.can_review():
        raise IncentivesError(_("Only registrations under review can be rejected."))
    restored = deal.is_re_review
    rejected = {"amount": str(deal.amount), "currency": deal.currency}
    if restored:
        deal.amount, deal.amount_jpy = _approved(deal)
        deal.currency = deal.approved_currency or deal.currency
        deal.status = _reviewed_status(deal, on or timezone.localdate())
        if deal.stage == Deal.Stage.WON:
            _count(deal, deal.approved_amount_jpy)
    else:
        deal.status = Deal.Status.REJECTED
    deal.review_reason = reason
    deal.reviewed_by = actor
    deal.reviewed_at = timezone.now()
    deal.save(
        update_fields=[
            "status",
            "amount",
            "currency",
            "amount_jpy",
            "counted_amount_jpy",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    if restored and deal.stage == Deal.Stage.WON:
        partner_deal_won(partner=deal.partner, on=deal.closed_on)
    audit(
        actor=actor,
        action="deal.change_rejected" if restored else "deal.rejected",
        target=deal,
        reason=reason,
        conflict=deal.has_conflict,
        rejected=rejected,
        restored={"amount": str(deal.amount), "currency": deal.currency} if restored else None,
    )
    tasks.notify_deal_reviewed.delay_on_commit(
        deal_id=deal.pk, decision="restored" if restored else "rejected"
    )
    if restored and deal.stage == Deal.Stage.WON:
        deal_earnings_follow(deal_ids=[deal.pk])
    return deal


# --- Customer contacts: retention and erasure (APPI, docs/privacy.md) -------------------

ANONYMISED_FIELDS = {
    "contact_name": "",
    "contact_name_kana": "",
    "contact_email": "",
    "contact_phone": "",
    "notes": "",
}


def contact_retention_days() -> int:
    return int(getattr(settings, "PRM_CONTACT_RETENTION_DAYS", 365))


@transaction.atomic
def deal_contacts_anonymise(*, deal_ids, actor, reason: str) -> int:
    """Erase the customer contact (and the notes, free text that may name people) of these
    deals, and the contact values kept in their audit history: two UPDATEs whatever the
    number of deals. The deal itself, its amounts and the provision records stay."""
    rows = list(
        Deal.objects.filter(pk__in=list(deal_ids), contacts_anonymised_at__isnull=True).values_list(
            "pk", "partner_id"
        )
    )
    if not rows:
        return 0
    ids = [pk for pk, _partner_id in rows]
    partner_ids = sorted({partner_id for _pk, partner_id in rows})
    now = timezone.now()
    Deal.objects.filter(pk__in=ids).update(**ANONYMISED_FIELDS, contacts_anonymised_at=now, updated_at=now)
    audit_scrub(model=Deal, target_ids=ids, keys=[*ANONYMISED_FIELDS])
    # Every partner whose deals lost their contact: their cached deal pages read again.
    audit(
        actor=actor,
        action="deal.contacts_anonymised",
        partners=partner_ids,
        deals=ids[:1000],
        count=len(ids),
        reason=reason,
    )
    return len(ids)


def deal_contacts_erase(*, ids, actor, reason: str) -> int:
    """privacy.registry's erase for deal contacts (a request from the person)."""
    return deal_contacts_anonymise(deal_ids=ids, actor=actor, reason=reason)


def stale_contact_deals(*, today: date | None = None):
    """Deals whose customer contact has outlived its purpose: lost, expired (protection
    lapsed) or rejected, and untouched for PRM_CONTACT_RETENTION_DAYS. Won and open,
    protected deals keep theirs."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=contact_retention_days())
    moment = timezone.make_aware(datetime.combine(cutoff, time.min))
    return Deal.objects.filter(contacts_anonymised_at__isnull=True, updated_at__lt=moment).filter(
        Q(stage=Deal.Stage.LOST, closed_on__lt=cutoff)
        | Q(status=Deal.Status.EXPIRED, stage__in=Deal.OPEN_STAGES, protected_until__lt=cutoff)
        | Q(status=Deal.Status.REJECTED, stage__in=Deal.OPEN_STAGES)
    )


@transaction.atomic
def deals_contacts_anonymise_stale(*, today: date | None = None) -> int:
    """Daily (beat): anonymise every stale contact, set-based."""
    ids = list(stale_contact_deals(today=today).values_list("pk", flat=True))
    return deal_contacts_anonymise(deal_ids=ids, actor=None, reason="retention")


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
        # One event per deal in one INSERT; every partner concerned reads its pages again.
        audit_many(
            actor=None,
            action="deal.protection_expired",
            model=Deal,
            rows=[
                (pk, name, partner_id, {"protected_until": until.isoformat()})
                for pk, partner_id, name, until in expired
            ],
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
        rows = Deal.objects.filter(pk__in=claimed).values_list("pk", "partner_id")
        outbox.publish_many(webhooks.DEAL_PROTECTION_ENDING, rows)  # once per claim, as the e-mail
    return {"expired": len(expired), "reminded": len(claimed)}


# --- Protection extensions ---------------------------------------------------------------

DEFAULT_MAX_EXTENSIONS = 1
DEFAULT_EXTENSION_GRACE_DAYS = 7


@dataclass(frozen=True)
class ExtensionLimits:
    max_extensions: int
    grace_days: int
    protection_days: int


def extension_limits(partner) -> ExtensionLimits:
    """The partner's tier sets how often and how late a deal's protection may be extended."""
    tier = tier_of(partner)
    if tier is None:
        return ExtensionLimits(
            DEFAULT_MAX_EXTENSIONS, DEFAULT_EXTENSION_GRACE_DAYS, protection_days_for(partner)
        )
    return ExtensionLimits(tier.max_extensions, tier.extension_grace_days, tier.protection_days)


def may_request_extension(user, deal: Deal) -> bool:
    """A partner admin, or the person who registered the deal (while still a member)."""
    if deal.registered_by_id == user.pk:
        return Membership.objects.filter(user=user, partner_id=deal.partner_id, is_active=True).exists()
    return Membership.objects.filter(
        user=user, partner_id=deal.partner_id, is_active=True, role=Membership.Role.ADMIN
    ).exists()


def extension_refusal(deal: Deal, *, limits: ExtensionLimits, approved: int, open_request: bool, today: date):
    """Why the deal's protection cannot be extended now (a translatable message), or None."""
    if not deal.is_open or deal.status not in (Deal.Status.APPROVED, Deal.Status.EXPIRED):
        return _("Only approved, open registrations can have their protection extended.")
    if deal.protected_until is None:
        return _("This registration has no protection to extend.")
    if open_request:
        return _("An extension request for this deal is already waiting for a decision.")
    if approved >= limits.max_extensions:
        return _("This deal has had the most extensions your tier allows (%(n)s).") % {
            "n": limits.max_extensions
        }
    if today > deal.protected_until + timedelta(days=limits.grace_days):
        return _("Protection ended more than %(days)s days ago: an extension can no longer be requested.") % {
            "days": limits.grace_days
        }
    return None


def extension_state(deal: Deal, *, today: date | None = None) -> dict:
    """What the deal page shows about extensions: the requests, the limits and whether (and
    why not) another can be requested now. Three queries."""
    today = today or timezone.localdate()
    requests = list(deal.extensions.select_related("requested_by", "decided_by"))
    limits = extension_limits(deal.partner)
    approved = sum(1 for r in requests if r.status == ProtectionExtension.Status.APPROVED)
    open_request = next((r for r in requests if r.status == ProtectionExtension.Status.REQUESTED), None)
    refusal = extension_refusal(
        deal, limits=limits, approved=approved, open_request=open_request is not None, today=today
    )
    return {
        "requests": requests,
        "limits": limits,
        "approved": approved,
        "open": open_request,
        "refusal": refusal,
        "default_until": _default_extension_end(deal, limits, today),
    }


def _default_extension_end(deal: Deal, limits: ExtensionLimits, today: date) -> date | None:
    """The tier's protection days from the old end, or from today when it lies in the past."""
    if deal.protected_until is None:
        return None
    return max(deal.protected_until, today) + timedelta(days=limits.protection_days)


@transaction.atomic
def extension_request(
    *, deal: Deal, user, reason: str, expected_close_date: date, on: date | None = None
) -> ProtectionExtension:
    """Ask to extend the protection of an approved deal, before it ends or within the tier's
    grace period after. The deal row is locked while the limits are checked, so two requests
    at once cannot both pass (the one-open-request constraint holds besides)."""
    from incentives import tasks

    today = on or timezone.localdate()
    deal = Deal.objects.select_for_update().select_related("partner").get(pk=deal.pk)
    if not may_request_extension(user, deal):
        raise IncentivesError(
            _("Only a partner admin or the person who registered the deal can ask for more time.")
        )
    if not reason.strip():
        raise IncentivesError(_("Say why the deal needs more time; your channel manager reads it."))
    if expected_close_date < today:
        raise IncentivesError(_("The new expected close date must not be in the past."))
    limits = extension_limits(deal.partner)
    previous = ProtectionExtension.objects.filter(deal=deal)
    refusal = extension_refusal(
        deal,
        limits=limits,
        approved=previous.filter(status=ProtectionExtension.Status.APPROVED).count(),
        open_request=previous.filter(status=ProtectionExtension.Status.REQUESTED).exists(),
        today=today,
    )
    if refusal or deal.protected_until is None:  # refused already when there is no protection
        raise IncentivesError(refusal or _("This registration has no protection to extend."))
    extension = ProtectionExtension.objects.create(
        deal=deal,
        partner=deal.partner,
        requested_by=user,
        reason=reason.strip(),
        expected_close_date=expected_close_date,
        protected_until_before=deal.protected_until,
    )
    audit(
        actor=user,
        action="deal.extension_requested",
        target=deal,
        extension=extension.pk,
        reason=extension.reason,
        expected_close_date=expected_close_date.isoformat(),
        protected_until=deal.protected_until.isoformat(),
    )
    tasks.notify_extension_requested.delay_on_commit(extension_id=extension.pk)
    return extension


def _locked_open_extension(extension: ProtectionExtension) -> tuple[Deal, ProtectionExtension]:
    deal = Deal.objects.select_for_update().select_related("partner").get(pk=extension.deal_id)
    extension = ProtectionExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ProtectionExtension.Status.REQUESTED:
        raise IncentivesError(_("This extension request has already been decided."))
    return deal, extension


@transaction.atomic
def extension_approve(
    *,
    extension: ProtectionExtension,
    actor,
    protected_until: date | None = None,
    reason: str = "",
    on: date | None = None,
) -> ProtectionExtension:
    """Extend the protection (by default the tier's protection days from the old end) and
    take the new expected close date. A deal whose protection had lapsed is protected again,
    unless another partner's registration for the same customer is protected now."""
    from incentives import tasks

    today = on or timezone.localdate()
    deal, extension = _locked_open_extension(extension)
    limits = extension_limits(deal.partner)
    approved = ProtectionExtension.objects.filter(
        deal=deal, status=ProtectionExtension.Status.APPROVED
    ).count()
    if approved >= limits.max_extensions:
        raise IncentivesError(
            _("This deal has had the most extensions its tier allows (%(n)s).") % {"n": limits.max_extensions}
        )
    if not deal.is_open or deal.status not in (Deal.Status.APPROVED, Deal.Status.EXPIRED):
        raise IncentivesError(_("The deal is closed or no longer approved: decline the request instead."))
    new_end = protected_until or _default_extension_end(deal, limits, today)
    assert new_end is not None and deal.protected_until is not None  # approved deals are protected
    if new_end <= deal.protected_until or new_end < today:
        raise IncentivesError(
            _("The new protection end date must be after the current one and not in the past.")
        )
    if (
        deal.status == Deal.Status.EXPIRED
        and find_conflicts(
            partner=deal.partner,
            customer_domain=deal.customer_domain,
            customer_company=deal.customer_company,
            on=today,
        ).exists()
    ):
        raise IncentivesError(
            _(
                "Another partner's registration for this customer is protected now: the protection cannot be renewed."
            )
        )
    before = deal.protected_until
    deal.protected_until, deal.status = new_end, Deal.Status.APPROVED
    deal.expected_close_date = extension.expected_close_date
    deal.save(update_fields=["protected_until", "status", "expected_close_date", "updated_at"])
    extension.status = ProtectionExtension.Status.APPROVED
    extension.protected_until_after = new_end
    extension.decision_reason, extension.decided_by, extension.decided_at = (
        reason.strip(),
        actor,
        timezone.now(),
    )
    extension.save()
    audit(
        actor=actor,
        action="deal.extension_approved",
        target=deal,
        extension=extension.pk,
        reason=extension.decision_reason,
        protected_until_before=before.isoformat(),
        protected_until=new_end.isoformat(),
    )
    tasks.notify_extension_decided.delay_on_commit(extension_id=extension.pk)
    return extension


@transaction.atomic
def extension_decline(*, extension: ProtectionExtension, actor, reason: str) -> ProtectionExtension:
    from incentives import tasks

    if not reason.strip():
        raise IncentivesError(_("Give a reason for declining; the partner will see it."))
    deal, extension = _locked_open_extension(extension)
    extension.status = ProtectionExtension.Status.DECLINED
    extension.decision_reason, extension.decided_by, extension.decided_at = (
        reason.strip(),
        actor,
        timezone.now(),
    )
    extension.save()
    audit(actor=actor, action="deal.extension_declined", target=deal, extension=extension.pk, reason=reason)
    tasks.notify_extension_decided.delay_on_commit(extension_id=extension.pk)
    return extension


# --- Credit for further partners on a deal -----------------------------------------------


@transaction.atomic
def deal_credit_add(*, deal: Deal, partner: Partner, role: str, actor) -> DealCredit:
    """Name a further partner on a deal (influenced, delivered/implemented); the registering
    partner is its sourcing partner. Audited on the deal, naming both partners (their cached
    pages read again)."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if role not in DealCredit.Role.values:
        raise IncentivesError(_("Choose the partner's role on the deal."))
    if partner.pk == deal.partner_id:
        raise IncentivesError(_("The registering partner is already credited as the sourcing partner."))
    if deal.status == Deal.Status.REJECTED:
        raise IncentivesError(_("A rejected registration cannot credit other partners."))
    if partner.status not in Partner.PORTAL_STATUSES:
        raise IncentivesError(_("Only active or onboarding partners can be credited."))
    if DealCredit.objects.filter(deal=deal, partner=partner).exists():
        raise IncentivesError(_("This partner is already credited on the deal."))
    credit = DealCredit.objects.create(deal=deal, partner=partner, role=role, added_by=actor)
    audit(
        actor=actor,
        action="deal.credit_added",
        target=deal,
        partners=[partner.pk],
        credited_partner=partner.pk,
        credited_partner_name=partner.name,
        role=role,
    )
    return credit


@transaction.atomic
def deal_credit_remove(*, credit: DealCredit, actor) -> None:
    deal = Deal.objects.select_for_update().get(pk=credit.deal_id)
    credit = DealCredit.objects.select_related("partner").get(pk=credit.pk)
    partner_id, name, role = credit.partner_id, credit.partner.name, credit.role
    credit.delete()
    audit(
        actor=actor,
        action="deal.credit_removed",
        target=deal,
        partners=[partner_id],
        credited_partner=partner_id,
        credited_partner_name=name,
        role=role,
    )


# --- Tier recomputation -------------------------------------------------------------

RECOMPUTE_LOCK = 7_406_001  # pg advisory lock key: one recomputation at a time


@dataclass(frozen=True)
class TierMetrics:
    won_revenue: Decimal = Decimal(0)  # sourced: the partner's own registrations
    won_deals: int = 0
    certified_people: int = 0
    onboarding_completed: bool = False
    influenced_revenue: Decimal = Decimal(0)  # deals it is credited on (DealCredit), by role
    delivered_revenue: Decimal = Decimal(0)
    converted_leads: int = 0  # approved registrations converted from the vendor's leads
    plan_approved: bool = False  # an approved joint business plan covers as_of (plans)

    def as_json(self) -> dict:
        return {
            "plan_approved": self.plan_approved,
            "won_revenue": float(self.won_revenue),
            "won_deals": self.won_deals,
            "certified_people": self.certified_people,
            "onboarding_completed": self.onboarding_completed,
            "influenced_revenue": float(self.influenced_revenue),
            "delivered_revenue": float(self.delivered_revenue),
            "converted_leads": self.converted_leads,
        }

    def revenue_for(self, tier: Tier) -> Decimal:
        """The revenue `tier`'s threshold compares: sourced in full, credited at its weights."""
        return (
            self.won_revenue
            + self.influenced_revenue * tier.influenced_weight
            + self.delivered_revenue * tier.delivered_weight
        )


def tier_metrics(*, as_of: date) -> dict[int, TierMetrics]:
    """The thresholds' inputs for every partner in the portal: four grouped queries.

    Won deals over the rolling 12 months up to `as_of` (its own, and those it is credited on
    by role), people with a certification valid on
    `as_of` (training's), and whether the partner has completed its onboarding (a fact of the
    partner, set by the partners lifecycle service when onboarding's plan completes), and
    whether approved business plans cover `as_of` (the span plans records on the tier state)."""
    start = as_of - timedelta(days=365)
    won = {
        row["partner_id"]: row
        # Only reviewed figures: a won amount under review counts once approved.
        for row in Deal.objects.counted()
        .filter(closed_on__gt=start, closed_on__lte=as_of)
        .order_by()
        .values("partner_id")
        .annotate(revenue=Sum("counted_amount_jpy"), deals=Count("id"))
    }
    credited: dict[tuple[int, str], Decimal] = {
        (row["partner_id"], row["role"]): row["revenue"]
        for row in DealCredit.objects.filter(
            deal__stage=Deal.Stage.WON,
            deal__counted_amount_jpy__isnull=False,
            deal__closed_on__gt=start,
            deal__closed_on__lte=as_of,
        )
        .order_by()
        .values("partner_id", "role")
        .annotate(revenue=Sum("deal__counted_amount_jpy"))
    }
    converted = dict(
        Deal.objects.filter(
            source=Deal.Source.LEAD, first_approved_at__date__gt=start, first_approved_at__date__lte=as_of
        )
        .order_by()
        .values("partner_id")
        .annotate(leads=Count("id"))
        .values_list("partner_id", "leads")
    )
    people = dict(
        training_queries.valid_certifications(as_of=as_of)
        .order_by()
        .values("partner_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("partner_id", "people")
    )
    metrics = {}
    # The plan span (plans writes it on the partner's tier state) joins in: no extra query.
    rows = Partner.objects.in_portal().values_list(
        "pk", "onboarding_completed_on", "tier_state__plan_approved_from", "tier_state__plan_approved_until"
    )
    for partner_id, completed_on, plan_from, plan_until in rows:
        w = won.get(partner_id, {})
        metrics[partner_id] = TierMetrics(
            won_revenue=w.get("revenue") or Decimal(0),
            won_deals=w.get("deals", 0),
            certified_people=people.get(partner_id, 0),
            onboarding_completed=completed_on is not None,
            influenced_revenue=credited.get((partner_id, DealCredit.Role.INFLUENCED), Decimal(0)),
            delivered_revenue=credited.get((partner_id, DealCredit.Role.DELIVERED), Decimal(0)),
            converted_leads=converted.get(partner_id, 0),
            plan_approved=_plan_covers(plan_from, plan_until, as_of),
        )
    return metrics


def _plan_covers(start: date | None, until: date | None, as_of: date) -> bool:
    return start is not None and until is not None and start <= as_of <= until


@transaction.atomic
def partner_plan_approval_set(*, partner, start: date | None, until: date | None, actor) -> PartnerTierState:
    """Record the span of fiscal years the partner's approved business plans cover (plans
    decides it; None, None: no approved plan). Tiers that require an approved plan read it
    at the next recomputation."""
    state, _created = PartnerTierState.objects.select_for_update().get_or_create(partner=partner)
    if (state.plan_approved_from, state.plan_approved_until) == (start, until):
        return state
    state.plan_approved_from, state.plan_approved_until = start, until
    state.save(update_fields=["plan_approved_from", "plan_approved_until"])
    audit(
        actor=actor,
        action="partner.plan_approval_recorded",
        target=state,
        partner=partner,
        start=str(start or ""),
        until=str(until or ""),
    )
    return state


def tier_qualified(tiers: list[Tier], m: TierMetrics) -> Tier | None:
    """The highest tier (tiers sorted by rank, highest first) whose thresholds are all met."""
    for tier in tiers:
        if (
            tier.min_won_revenue <= m.revenue_for(tier)
            and tier.min_won_deals <= m.won_deals
            and tier.min_certified_people <= m.certified_people
            and tier.min_converted_leads <= m.converted_leads
            and (m.onboarding_completed or not tier.requires_onboarding)
            and (m.plan_approved or not tier.requires_approved_plan)
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


def _tier_states(partner_ids, *, as_of: date) -> dict[int, TierStateRow]:
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
        "influenced_revenue",
        "delivered_revenue",
        "converted_leads",
        "plan_approved_from",
        "plan_approved_until",
    )
    states = {}
    for partner_id, *state, plan_from, plan_until in rows:
        tier_id, q_id, since, pending, revenue, deals, people, done, influenced, delivered, leads = state
        metrics = TierMetrics(
            revenue,
            deals,
            people,
            done,
            influenced,
            delivered,
            leads,
            _plan_covers(plan_from, plan_until, as_of),
        )
        states[partner_id] = TierStateRow(tier_id, q_id, since, pending, metrics)
    return states


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
     won_revenue, won_deals, certified_people, onboarding_completed, influenced_revenue,
     delivered_revenue, converted_leads, leaderboard_opt_in)
SELECT s.*, FALSE
FROM unnest(%(partner_id)s::bigint[], %(tier_id)s::bigint[], %(qualified_tier_id)s::bigint[],
            %(tier_since)s::date[], %(downgrade_pending_since)s::date[], %(won_revenue)s::numeric[],
            %(won_deals)s::integer[], %(certified_people)s::integer[], %(onboarding_completed)s::boolean[],
            %(influenced_revenue)s::numeric[], %(delivered_revenue)s::numeric[],
            %(converted_leads)s::integer[])
     AS s
ON CONFLICT (partner_id) DO UPDATE SET
    tier_id = EXCLUDED.tier_id,
    qualified_tier_id = EXCLUDED.qualified_tier_id,
    tier_since = EXCLUDED.tier_since,
    downgrade_pending_since = EXCLUDED.downgrade_pending_since,
    won_revenue = EXCLUDED.won_revenue,
    won_deals = EXCLUDED.won_deals,
    certified_people = EXCLUDED.certified_people,
    onboarding_completed = EXCLUDED.onboarding_completed,
    influenced_revenue = EXCLUDED.influenced_revenue,
    delivered_revenue = EXCLUDED.delivered_revenue,
    converted_leads = EXCLUDED.converted_leads
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
    from incentives import tasks

    as_of = as_of or timezone.localdate()
    grace = grace_days()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])
    metrics = tier_metrics(as_of=as_of)
    tiers = list(Tier.objects.order_by("-rank"))
    tiers_by_id = {t.pk: t for t in tiers}
    states = _tier_states(list(metrics), as_of=as_of)
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
                    "influenced_revenue": m.influenced_revenue,
                    "delivered_revenue": m.delivered_revenue,
                    "converted_leads": m.converted_leads,
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
    if created:
        changed = TierChange.objects.filter(pk__in=[pk for pk, _kind in created]).order_by("pk")
        outbox.publish_many(webhooks.TIER_CHANGED, changed.values_list("pk", "partner_id"))
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


# Earnings are derived, set-based, from the counted figure: every candidate line of a period
# is one SQL SELECT (programs x counted wins, programs x tier changes), written into the
# partners' draft statements with INSERT ... ON CONFLICT, and draft lines that no longer
# have a candidate are deleted. Approved and paid statements are never touched. Table names
# come from _meta; every value is a parameter.


def _earning_sql() -> dict:
    t = {
        "deal": Deal._meta.db_table,
        "program": IncentiveProgram._meta.db_table,
        "products": IncentiveProgram.eligible_products.through._meta.db_table,
        "tiers": IncentiveProgram.eligible_tiers.through._meta.db_table,
        "state": PartnerTierState._meta.db_table,
        "change": TierChange._meta.db_table,
        "tier": Tier._meta.db_table,
        "statement": Statement._meta.db_table,
        "earning": Earning._meta.db_table,
    }
    # (program_id, partner_id, deal_id, tier_change_id, basis, amount) per counted win.
    deals = f"""
        SELECT p.id AS program_id, d.partner_id, d.id AS deal_id, NULL::bigint AS tier_change_id,
               d.counted_amount_jpy AS basis,
               CASE WHEN p.kind = %(spiff)s THEN p.amount
                    ELSE round(d.counted_amount_jpy * p.percent / 100) END AS amount,
               date_trunc('month', d.closed_on)::date AS period
          FROM {t["program"]} p
          JOIN {t["deal"]} d
            ON d.stage = 'won' AND d.counted_amount_jpy IS NOT NULL
           AND d.closed_on >= GREATEST(%(start)s, p.starts_on) AND d.closed_on <= LEAST(%(end)s, p.ends_on)
         WHERE p.is_active AND p.kind IN (%(spiff)s, %(rebate)s)
           AND (%(deal_ids)s::bigint[] IS NULL OR d.id = ANY(%(deal_ids)s::bigint[]))
           AND (NOT EXISTS (SELECT 1 FROM {t["products"]} ep WHERE ep.incentiveprogram_id = p.id)
                OR EXISTS (SELECT 1 FROM {t["products"]} ep
                            WHERE ep.incentiveprogram_id = p.id AND ep.product_id = d.product_id))
           AND (NOT EXISTS (SELECT 1 FROM {t["tiers"]} et WHERE et.incentiveprogram_id = p.id)
                OR EXISTS (SELECT 1 FROM {t["tiers"]} et JOIN {t["state"]} s ON s.tier_id = et.tier_id
                            WHERE et.incentiveprogram_id = p.id AND s.partner_id = d.partner_id))"""  # noqa: S608
    # One bonus per program and partner: the first qualifying tier change in the window.
    bonuses = f"""
        SELECT DISTINCT ON (p.id, c.partner_id)
               p.id AS program_id, c.partner_id, NULL::bigint AS deal_id, c.id AS tier_change_id,
               0::numeric AS basis, p.amount AS amount, date_trunc('month', c.effective_on)::date AS period
          FROM {t["program"]} p
          JOIN {t["tier"]} bt ON bt.id = p.bonus_tier_id
          JOIN {t["change"]} c
            ON c.kind IN (%(upgrade)s, %(initial)s)
           AND c.effective_on >= GREATEST(%(start)s, p.starts_on) AND c.effective_on <= LEAST(%(end)s, p.ends_on)
          JOIN {t["tier"]} tt ON tt.id = c.to_tier_id AND tt.rank >= bt.rank
         WHERE p.is_active AND p.kind = %(tier_bonus)s AND %(deal_ids)s::bigint[] IS NULL
           AND (NOT EXISTS (SELECT 1 FROM {t["tiers"]} et WHERE et.incentiveprogram_id = p.id)
                OR EXISTS (SELECT 1 FROM {t["tiers"]} et
                            WHERE et.incentiveprogram_id = p.id AND et.tier_id = c.to_tier_id))
         ORDER BY p.id, c.partner_id, c.effective_on, c.id"""  # noqa: S608
    return {"t": t, "deals": deals, "bonuses": bonuses}


def _earnings_write(cursor, *, start: date, end: date, deal_ids: list[int] | None) -> dict:
    """Write the candidate lines of [start, end] (only those of `deal_ids` when given) into
    draft statements, and delete draft lines left without a candidate. Returns counts and
    the partners whose drafts changed."""
    sql = _earning_sql()
    t = sql["t"]
    K = IncentiveProgram.Kind
    params = {
        "start": start,
        "end": end,
        "deal_ids": deal_ids,
        "now": timezone.now(),
        "spiff": K.SPIFF.value,
        "rebate": K.REBATE.value,
        "tier_bonus": K.TIER_BONUS.value,
        "upgrade": TierChange.Kind.UPGRADE.value,
        "initial": TierChange.Kind.INITIAL.value,
        "draft": Statement.Status.DRAFT.value,
    }
    cand = f"({sql['deals']}) UNION ALL ({sql['bonuses']})"
    cursor.execute(
        f"""INSERT INTO {t["statement"]} (partner_id, period, status, total, currency, created_at)
            SELECT DISTINCT c.partner_id, c.period, %(draft)s, 0, 'JPY', %(now)s FROM ({cand}) c
            ON CONFLICT (partner_id, period) DO NOTHING""",  # noqa: S608
        params,
    )
    written = 0
    for kind, arbiter in (
        ("deals", "(program_id, deal_id) WHERE deal_id IS NOT NULL"),
        ("bonuses", "(program_id, partner_id) WHERE deal_id IS NULL"),
    ):
        cursor.execute(
            f"""INSERT INTO {t["earning"]}
                    (statement_id, program_id, partner_id, deal_id, tier_change_id, basis, amount, created_at)
                SELECT s.id, c.program_id, c.partner_id, c.deal_id, c.tier_change_id, c.basis, c.amount, %(now)s
                  FROM ({sql[kind]}) c
                  JOIN {t["statement"]} s
                    ON s.partner_id = c.partner_id AND s.period = c.period AND s.status = %(draft)s
                ON CONFLICT {arbiter} DO UPDATE
                   SET basis = EXCLUDED.basis, amount = EXCLUDED.amount, statement_id = EXCLUDED.statement_id,
                       tier_change_id = EXCLUDED.tier_change_id
                 WHERE {t["earning"]}.statement_id IN (SELECT id FROM {t["statement"]} WHERE status = %(draft)s)
                   AND ({t["earning"]}.basis, {t["earning"]}.amount, {t["earning"]}.statement_id)
                       IS DISTINCT FROM (EXCLUDED.basis, EXCLUDED.amount, EXCLUDED.statement_id)""",  # noqa: S608
            params,
        )
        written += cursor.rowcount
    # Draft lines without a candidate any more: a win no longer counted (a re-review), a
    # program deactivated or narrowed. For `deal_ids`, the lines of those deals in any draft.
    scope = (
        "e.deal_id = ANY(%(deal_ids)s::bigint[])"
        if deal_ids is not None
        else "s.period >= %(start)s AND s.period <= %(end)s"
    )
    cursor.execute(
        f"""DELETE FROM {t["earning"]} e USING {t["statement"]} s
             WHERE e.statement_id = s.id AND s.status = %(draft)s AND {scope}
               AND NOT EXISTS (SELECT 1 FROM ({cand}) c
                                WHERE c.program_id = e.program_id AND c.partner_id = e.partner_id
                                  AND c.deal_id IS NOT DISTINCT FROM e.deal_id)
            RETURNING e.partner_id""",  # noqa: S608
        params,
    )
    removed = {row[0] for row in cursor.fetchall()}
    return {"written": written, "removed": removed}


def _statements_total(
    cursor, *, start: date | None = None, end: date | None = None, partner_ids=None
) -> None:
    """Totals of the draft statements of a period (or of `partner_ids`), and drafts left
    without lines removed."""
    t = _earning_sql()["t"]
    params: dict[str, object]
    if partner_ids is not None:
        where, params = "s.partner_id = ANY(%(ids)s)", {"ids": list(partner_ids)}
    else:
        where, params = "s.period >= %(start)s AND s.period <= %(end)s", {"start": start, "end": end}
    params["draft"] = Statement.Status.DRAFT
    cursor.execute(
        f"""UPDATE {t["statement"]} s
               SET total = COALESCE((SELECT SUM(e.amount) FROM {t["earning"]} e WHERE e.statement_id = s.id), 0)
             WHERE s.status = %(draft)s AND {where}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""DELETE FROM {t["statement"]} s WHERE s.status = %(draft)s AND {where}
               AND NOT EXISTS (SELECT 1 FROM {t["earning"]} e WHERE e.statement_id = s.id)""",  # noqa: S608
        params,
    )


@transaction.atomic
def earnings_compute(*, period: date, actor=None) -> dict:
    """Rebuild the draft earnings of every active program for one month (set-based).

    Idempotent and a true rebuild: draft lines follow the counted figures, the programs and
    the partners' tiers as they are now; lines that lost their candidate are removed. An
    earning is unique per (program, deal), or per (program, partner) for tier bonuses, and
    approved or paid statements are never touched.
    """
    start, end = month_start(period), month_end(period)
    drafts = Statement.objects.filter(status=Statement.Status.DRAFT, period__range=(start, end))
    before = set(drafts.values_list("partner_id", flat=True))
    with connection.cursor() as cursor:
        result = _earnings_write(cursor, start=start, end=end, deal_ids=None)
        _statements_total(cursor, start=start, end=end)
    # Every partner whose draft statement of the month was written, emptied or removed.
    touched = before | result["removed"] | set(drafts.values_list("partner_id", flat=True))
    # Draft lines of any partner may have changed or gone: rebuild every row.
    program_cost_refresh()
    programs = IncentiveProgram.objects.filter(is_active=True, starts_on__lte=end, ends_on__gte=start).count()
    statements = Statement.objects.filter(period=start, status=Statement.Status.DRAFT).count()
    # Audited whoever runs it (the monthly beat task, rebuild_earnings, a manager): the run
    # names every partner whose statements it rewrote, so their cached pages read again.
    audit(
        actor=actor,
        action="earnings.computed",
        partners=sorted(touched),
        period=start.isoformat(),
        lines=result["written"],
        removed=len(result["removed"]),
    )
    return {"programs": programs, "statements": statements, "candidates": result["written"]}


def deal_earnings_follow(*, deal_ids: list[int]) -> None:
    """A deal's status or counted figure changed: rebuild its lines in draft statements (in
    the month it was closed), never in approved or paid ones. Called inside the service's
    transaction; set-based for any number of deals."""
    months = sorted(
        {
            month_start(d)
            for d in Deal.objects.filter(pk__in=deal_ids, closed_on__isnull=False).values_list(
                "closed_on", flat=True
            )
        }
    )
    partner_ids = set(Deal.objects.filter(pk__in=deal_ids).values_list("partner_id", flat=True))
    with connection.cursor() as cursor:
        start = months[0] if months else timezone.localdate()
        end = month_end(months[-1]) if months else start
        _earnings_write(cursor, start=start, end=end, deal_ids=list(deal_ids))
        _statements_total(cursor, partner_ids=partner_ids)
    program_cost_refresh(partner_ids=partner_ids)


def earnings_rebuild(*, first: date, last: date, actor=None) -> list[dict]:
    """Rebuild the draft earnings of every month from `first` to `last` (operators: after an
    upgrade that changed what counts; `manage.py rebuild_earnings`). One transaction per month."""
    out, month = [], month_start(first)
    while month <= last:
        out.append({"period": month, **earnings_compute(period=month, actor=actor)})
        month = month_start(month_end(month) + timedelta(days=1))
    return out


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
    state, created = PartnerTierState.objects.select_for_update().get_or_create(partner=partner)
    if created or state.leaderboard_opt_in != opted_in:  # a new state row shows too
        state.leaderboard_opt_in = opted_in
        state.save(update_fields=["leaderboard_opt_in"])
        audit(
            actor=user,
            action="leaderboard.opt_in" if opted_in else "leaderboard.opt_out",
            target=state,
            partner=partner,
        )
    return state


def review_sla_days() -> int:
    """Registrations waiting longer than this are flagged overdue in the review queue."""
    return int(getattr(settings, "PRM_DEAL_REVIEW_SLA_DAYS", 2))
