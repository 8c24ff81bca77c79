"""Writes of the leads app: create, offer (by hand or by the routing rules), accept, decline,
expire, work (status updates, notes, assignment) and convert into a deal registration.
Keyword-only, transactional, locked, guarded and audited (prm.audit.log.audit)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives import services as incentives
from incentives.models import Deal
from leads.models import Lead, LeadNote, LeadOffer, RoutingRule
from partners.models import Membership, Partner
from prm.audit.log import audit
from prm.i18n.business_days import add_business_days
from training import queries as training_queries

CONTACT_FIELDS = {"contact_name": "", "contact_name_kana": "", "contact_email": "", "contact_phone": ""}
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Lead.Status.CONTACTED: (Lead.Status.ACCEPTED,),
    Lead.Status.QUALIFIED: (Lead.Status.ACCEPTED, Lead.Status.CONTACTED),
    Lead.Status.DISQUALIFIED: Lead.WORKING,
}


class LeadsError(Exception):
    """A lead cannot change this way; the message says why (translated)."""


def sla_business_days() -> int:
    return int(getattr(settings, "PRM_LEAD_SLA_BUSINESS_DAYS", 2))


def retention_days() -> int:
    return int(getattr(settings, "PRM_LEAD_RETENTION_DAYS", 365))


def _locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


@transaction.atomic
def lead_create(*, actor, data: dict) -> Lead:
    """A manager records a lead; it waits to be offered (by hand or by the rules)."""
    lead = Lead(created_by=actor, status=Lead.Status.NEW, **data)
    if not lead.contact_name.strip():
        raise LeadsError(_("Name the customer's contact person."))
    lead.save()
    audit(actor=actor, action="lead.created", target=lead, region=lead.region, source=lead.source)
    return lead


IMPORT_FIELDS = (
    "company",
    "company_kana",
    "contact_name",
    "contact_name_kana",
    "contact_email",
    "contact_phone",
    "need",
    "region",
    "product",
    "value_estimate_jpy",
    "source",
)


@transaction.atomic
def lead_import_update(*, lead: Lead, data: dict, actor) -> dict:
    """A bulk import corrects a lead nobody holds yet (new or unrouted): the changed fields,
    audited with their old and new values. A lead offered or worked is the partner's now."""
    lead = _locked(lead)
    _guard_offerable(lead)
    changes = {}
    for name in IMPORT_FIELDS:
        if name in data and getattr(lead, name) != data[name]:
            changes[name] = [str(getattr(lead, name)), str(data[name])]
            setattr(lead, name, data[name])
    if changes:
        if not lead.contact_name.strip():
            raise LeadsError(_("Name the customer's contact person."))
        lead.save(update_fields=[*changes, "updated_at"])
        audit(actor=actor, action="lead.import_updated", target=lead, changes=changes)
    return changes


# --- Routing ---------------------------------------------------------------------------


def open_loads(partner_ids: list[int]) -> dict[int, int]:
    """Leads each partner holds now (offered or being worked): its current load."""
    return dict(
        Lead.objects.open()
        .filter(partner_id__in=partner_ids)
        .order_by()
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
    )


def last_offered(partner_ids: list[int]) -> dict[int, datetime]:
    return dict(
        LeadOffer.objects.filter(partner_id__in=partner_ids)
        .order_by()
        .values("partner_id")
        .annotate(at=Max("offered_at"))
        .values_list("partner_id", "at")
    )


def rule_matches(rule: RoutingRule, lead: Lead) -> bool:
    return not rule.region or rule.region == lead.region


def rule_candidates(rule: RoutingRule, lead: Lead, *, today: date) -> list[int]:
    """Active partners the rule allows that were never offered this lead (one query)."""
    partners = Partner.objects.filter(status=Partner.Status.ACTIVE).exclude(
        pk__in=LeadOffer.objects.filter(lead=lead).values("partner_id")
    )
    if rule.partner_type:
        partners = partners.filter(partner_type=rule.partner_type)
    if rule.pk and rule.partners.exists():
        partners = partners.filter(pk__in=rule.partners.values("pk"))
    if rule.min_tier is not None:
        partners = partners.filter(tier_state__tier__rank__gte=rule.min_tier.rank)
    if rule.certification_id:
        holders = training_queries.valid_certifications(as_of=today).filter(
            certification_id=rule.certification_id
        )
        partners = partners.filter(pk__in=holders.values("partner_id"))
    return list(partners.order_by("pk").values_list("pk", flat=True))


def ranked_partners(rule: RoutingRule, lead: Lead, *, today: date) -> list[int]:
    """The rule's eligible partners, fewest open leads first, then the one offered a lead
    longest ago (never offered: first), then the oldest partner: round robin among equals."""
    ids = rule_candidates(rule, lead, today=today)
    loads, offered = open_loads(ids), last_offered(ids)
    eligible = [pk for pk in ids if loads.get(pk, 0) < rule.max_open_leads]
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return sorted(eligible, key=lambda pk: (loads.get(pk, 0), offered.get(pk) or never, pk))


def route_pick(lead: Lead, *, today: date) -> tuple[int | None, RoutingRule | None]:
    """The first active rule matching the lead that still has an eligible partner, and its pick."""
    rules = RoutingRule.objects.filter(is_active=True).select_related("min_tier").order_by("order", "pk")
    for rule in rules:
        if not rule_matches(rule, lead):
            continue
        ranked = ranked_partners(rule, lead, today=today)
        if ranked:
            return ranked[0], rule
    return None, None


def _offer(*, lead: Lead, partner_id: int, actor, via: str, rule=None, now: datetime) -> LeadOffer:
    from leads import tasks

    offer = LeadOffer.objects.create(
        lead=lead,
        partner_id=partner_id,
        via=via,
        rule=rule,
        offered_by=actor if getattr(actor, "pk", None) else None,
        offered_at=now,
        due_at=add_business_days(now, sla_business_days()),
    )
    lead.partner_id, lead.status, lead.assigned_to = partner_id, Lead.Status.OFFERED, None
    lead.save(update_fields=["partner", "status", "assigned_to", "updated_at"])
    audit(
        actor=actor,
        action="lead.offered",
        target=lead,
        offer=offer.pk,
        via=via,
        rule=getattr(rule, "pk", None),
        due_at=offer.due_at.isoformat(),
    )
    tasks.notify_lead_offered.delay_on_commit(offer_id=offer.pk)
    return offer


def _route(*, lead: Lead, actor, now: datetime) -> LeadOffer | None:
    """Offer the (locked) lead by the rules, or hand it back to its manager as unrouted."""
    from leads import tasks

    previous = lead.partner_id
    partner_id, rule = route_pick(lead, today=timezone.localtime(now).date())
    if partner_id is not None:
        return _offer(
            lead=lead, partner_id=partner_id, actor=actor, via=LeadOffer.Via.RULES, rule=rule, now=now
        )
    lead.partner, lead.status, lead.assigned_to = None, Lead.Status.UNROUTED, None
    lead.save(update_fields=["partner", "status", "assigned_to", "updated_at"])
    audit(
        actor=actor,
        action="lead.unrouted",
        target=lead,
        partners=[previous] if previous else [],
        offers=lead.offers.count(),
    )
    tasks.notify_lead_unrouted.delay_on_commit(lead_id=lead.pk)
    return None


def _guard_offerable(lead: Lead) -> None:
    if lead.status not in (Lead.Status.NEW, Lead.Status.UNROUTED):
        raise LeadsError(_("Only a lead that is not offered to anyone can be offered."))


@transaction.atomic
def lead_offer(*, lead: Lead, partner: Partner, actor, now: datetime | None = None) -> LeadOffer:
    """A manager offers the lead to one partner by hand."""
    lead = _locked(lead)
    _guard_offerable(lead)
    if partner.status != Partner.Status.ACTIVE:
        raise LeadsError(_("Leads can be offered only to active partners."))
    if LeadOffer.objects.filter(lead=lead, partner=partner).exists():
        raise LeadsError(_("This partner was offered this lead before; it cannot be offered again."))
    return _offer(
        lead=lead, partner_id=partner.pk, actor=actor, via=LeadOffer.Via.MANUAL, now=now or timezone.now()
    )


@transaction.atomic
def lead_route(*, lead: Lead, actor, now: datetime | None = None) -> LeadOffer | None:
    """A manager asks the rules to offer the lead; None: nobody is eligible (unrouted)."""
    lead = _locked(lead)
    _guard_offerable(lead)
    return _route(lead=lead, actor=actor, now=now or timezone.now())


# --- The partner's answer --------------------------------------------------------------


def may_answer(membership: Membership, lead: Lead) -> bool:
    """The partner's admin, or the member the admin assigned the lead to."""
    return membership.partner_id == lead.partner_id and (
        membership.role == Membership.Role.ADMIN or lead.assigned_to_id == membership.user_id
    )


def _holder(lead: Lead) -> int:
    """The partner holding the lead (offered to it or working it)."""
    if lead.partner_id is None:
        raise LeadsError(_("No partner holds this lead."))
    return lead.partner_id


def _guard_holder(lead: Lead, user) -> int:
    """Only the partner holding the lead answers and works it: its admin or the assignee."""
    membership = Membership.objects.filter(user=user, partner_id=_holder(lead), is_active=True).first()
    if membership is None or not may_answer(membership, lead):
        raise LeadsError(_("Only your portal administrator or the member assigned to this lead can do this."))
    return _holder(lead)


def _open_offer(lead: Lead, now: datetime) -> LeadOffer:
    offer = (
        LeadOffer.objects.select_for_update()
        .filter(lead=lead, partner_id=lead.partner_id, status=LeadOffer.Status.OPEN)
        .first()
    )
    if lead.status != Lead.Status.OFFERED or offer is None:
        raise LeadsError(_("This lead is no longer waiting for your answer."))
    if offer.due_at < now:
        raise LeadsError(_("The time to answer this offer has passed."))
    return offer


@transaction.atomic
def lead_accept(*, lead: Lead, user, now: datetime | None = None) -> Lead:
    now = now or timezone.now()
    lead = _locked(lead)
    _guard_holder(lead, user)
    offer = _open_offer(lead, now)
    offer.status, offer.decided_at, offer.decided_by = LeadOffer.Status.ACCEPTED, now, user
    offer.save(update_fields=["status", "decided_at", "decided_by"])
    lead.status, lead.accepted_at = Lead.Status.ACCEPTED, now
    lead.assigned_to = lead.assigned_to or user
    lead.save(update_fields=["status", "accepted_at", "assigned_to", "updated_at"])
    hours = round((now - offer.offered_at).total_seconds() / 3600, 1)
    audit(actor=user, action="lead.accepted", target=lead, offer=offer.pk, hours_to_accept=hours)
    return lead


@transaction.atomic
def lead_decline(*, lead: Lead, user, reason: str, now: datetime | None = None) -> LeadOffer | None:
    """The partner declines with a reason; the rules offer the lead to the next partner
    (returned), or it goes back to its manager as unrouted (None)."""
    if not reason.strip():
        raise LeadsError(_("Say why you decline; the channel manager will see it."))
    now = now or timezone.now()
    lead = _locked(lead)
    _guard_holder(lead, user)
    offer = _open_offer(lead, now)
    offer.status, offer.decided_at, offer.decided_by, offer.reason = (
        LeadOffer.Status.DECLINED,
        now,
        user,
        reason,
    )
    offer.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    audit(actor=user, action="lead.declined", target=lead, offer=offer.pk, reason=reason)
    return _route(lead=lead, actor=None, now=now)


@transaction.atomic
def _expire_one(*, lead_id: int, now: datetime) -> str:
    lead = Lead.objects.select_for_update().get(pk=lead_id)
    offer = (
        LeadOffer.objects.select_for_update()
        .filter(lead=lead, status=LeadOffer.Status.OPEN, due_at__lt=now)
        .first()
    )
    if offer is None or lead.status != Lead.Status.OFFERED:
        return "skipped"  # answered (or expired by another run) meanwhile
    offer.status, offer.decided_at = LeadOffer.Status.EXPIRED, now
    offer.save(update_fields=["status", "decided_at"])
    audit(
        actor=None, action="lead.offer_expired", target=lead, offer=offer.pk, due_at=offer.due_at.isoformat()
    )
    return "reoffered" if _route(lead=lead, actor=None, now=now) else "unrouted"


def offers_expire(*, now: datetime | None = None) -> dict:
    """Periodic (beat): every offer past its SLA expires and its lead goes to the next
    partner by the rules. One transaction per lead, so one failure loses nothing else."""
    now = now or timezone.now()
    counts = {"reoffered": 0, "unrouted": 0, "skipped": 0}
    due = LeadOffer.objects.filter(status=LeadOffer.Status.OPEN, due_at__lt=now).order_by("due_at")
    for lead_id in list(due.values_list("lead_id", flat=True)):
        counts[_expire_one(lead_id=lead_id, now=now)] += 1
    return counts


# --- Working the lead ------------------------------------------------------------------


@transaction.atomic
def lead_assign(*, lead: Lead, actor, assignee) -> Lead:
    """The partner's admin hands the lead to one of its members (who may then answer it)."""
    lead = _locked(lead)
    partner_id = _holder(lead)
    if not Membership.objects.filter(
        user=actor, partner_id=partner_id, role=Membership.Role.ADMIN, is_active=True
    ).exists():
        raise LeadsError(_("Only your portal administrator can assign leads."))
    if lead.status not in (Lead.Status.OFFERED, *Lead.WORKING):
        raise LeadsError(_("Only an offered or open lead can be assigned."))
    if not Membership.objects.filter(partner_id=partner_id, user=assignee, is_active=True).exists():
        raise LeadsError(_("Choose a member of your company."))
    lead.assigned_to = assignee
    lead.save(update_fields=["assigned_to", "updated_at"])
    audit(actor=actor, action="lead.assigned", target=lead, assignee=assignee.pk)
    return lead


@transaction.atomic
def lead_status_set(*, lead: Lead, user, status: str, note: str = "", now: datetime | None = None) -> Lead:
    """Contacted, qualified, or disqualified (with the reason) while the partner works it."""
    lead = _locked(lead)
    partner_id = _guard_holder(lead, user)
    allowed_from = NEXT_STATUSES.get(status)
    if allowed_from is None or lead.status not in allowed_from:
        raise LeadsError(_("This lead cannot move to that status now."))
    if status == Lead.Status.DISQUALIFIED and not note.strip():
        raise LeadsError(_("Say why the lead is disqualified."))
    before = lead.status
    lead.status = status
    fields = ["status", "updated_at"]
    if status == Lead.Status.DISQUALIFIED:
        lead.disqualify_reason, lead.closed_at = note, now or timezone.now()
        fields += ["disqualify_reason", "closed_at"]
    lead.save(update_fields=fields)
    LeadNote.objects.create(lead=lead, partner_id=partner_id, author=user, status=status, text=note)
    audit(actor=user, action="lead.status_changed", target=lead, before=before, after=status)
    return lead


@transaction.atomic
def lead_note_add(*, lead: Lead, user, text: str) -> LeadNote:
    if not text.strip():
        raise LeadsError(_("Write the note first."))
    lead = _locked(lead)
    partner_id = _guard_holder(lead, user)
    if not lead.is_working:
        raise LeadsError(_("Notes can be added while the lead is being worked."))
    note = LeadNote.objects.create(lead=lead, partner_id=partner_id, author=user, text=text)
    audit(actor=user, action="lead.note_added", target=lead, note=note.pk)
    return note


@transaction.atomic
def lead_convert(
    *, lead: Lead, user, customer_domain: str, product, amount: Decimal, expected_close_date: date
) -> Deal:
    """Register the accepted lead as a deal (incentives' registration service, source "lead"),
    approve it at once with the tier's protection (the vendor passed the lead: nothing to
    review), and keep it as the lead's deal. Activation follows from the first approval."""
    lead = _locked(lead)
    _guard_holder(lead, user)
    if not lead.is_working:
        raise LeadsError(_("Only an accepted lead can be converted into a deal."))
    if lead.contacts_anonymised_at is not None:
        raise LeadsError(_("This lead's contact was removed; it cannot be converted."))
    data = {
        "customer_company": lead.company,
        "customer_company_kana": lead.company_kana,
        "customer_domain": customer_domain,
        "contact_name": lead.contact_name,
        "contact_name_kana": lead.contact_name_kana,
        "contact_email": lead.contact_email,
        "contact_phone": lead.contact_phone,
        "product": product,
        "amount": amount,
        "currency": "JPY",
        "expected_close_date": expected_close_date,
        "notes": lead.need,
    }
    try:
        deal = incentives.deal_register(partner=lead.partner, user=user, data=data, source=Deal.Source.LEAD)
        deal = incentives.deal_approve(deal=deal, actor=None)
    except incentives.IncentivesError as exc:
        raise LeadsError(str(exc)) from exc
    lead.deal, lead.status, lead.closed_at = deal, Lead.Status.CONVERTED, timezone.now()
    lead.save(update_fields=["deal", "status", "closed_at", "updated_at"])
    audit(actor=user, action="lead.converted", target=lead, deal=deal.pk)
    return deal


# --- Personal data (APPI): retention and erasure ---------------------------------------


@transaction.atomic
def lead_contacts_anonymise(*, lead_ids, actor, reason: str) -> int:
    """Erase the customer contact of these leads and the partner's notes on them (free text
    that may name people): set-based. The lead, its offers and figures stay."""
    rows = list(
        Lead.objects.filter(pk__in=list(lead_ids), contacts_anonymised_at__isnull=True).values_list(
            "pk", "partner_id"
        )
    )
    if not rows:
        return 0
    ids = [pk for pk, _partner in rows]
    now = timezone.now()
    Lead.objects.filter(pk__in=ids).update(**CONTACT_FIELDS, contacts_anonymised_at=now, updated_at=now)
    held = [pk for pk, partner_id in rows if partner_id is not None]
    if held:  # only leads a partner held have notes
        LeadNote.objects.filter(lead_id__in=held).update(text="")
    audit(
        actor=actor,
        action="lead.contacts_anonymised",
        partners=sorted({p for _pk, p in rows if p is not None}),
        leads=ids[:1000],
        count=len(ids),
        reason=reason,
    )
    return len(ids)


def lead_contacts_erase(*, ids, actor, reason: str) -> int:
    """privacy.registry's erase for lead contacts (a request from the person)."""
    return lead_contacts_anonymise(lead_ids=ids, actor=actor, reason=reason)


def stale_contact_leads(*, today: date | None = None):
    """Leads closed (converted, disqualified) or left unrouted longer than the retention."""
    today = today or timezone.localdate()
    moment = timezone.make_aware(datetime.combine(today - timedelta(days=retention_days()), time.min))
    return Lead.objects.filter(contacts_anonymised_at__isnull=True).filter(
        Q(status__in=Lead.CLOSED, closed_at__lt=moment)
        | Q(status=Lead.Status.UNROUTED, updated_at__lt=moment)
    )


def leads_contacts_anonymise_stale(*, today: date | None = None) -> int:
    """Daily (beat): anonymise every stale lead contact, set-based."""
    ids = list(stale_contact_leads(today=today).values_list("pk", flat=True))
    return lead_contacts_anonymise(lead_ids=ids, actor=None, reason="retention")
