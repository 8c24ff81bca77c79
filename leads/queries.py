"""Reads of the leads app shared by its views, the dashboard, partner 360 and privacy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leads.models import Lead, LeadNote, LeadOffer
from partners.models import Membership, Partner
from privacy.queries import naming_person
from privacy.registry import Found
from prm.access.scoping import scoped, sees_every_partner
from prm.tenancy import partners_for_staff
from prm.ui.registry import BlockQuery

TABS = {
    "offered": (Lead.Status.OFFERED,),
    "working": Lead.WORKING,
    "closed": Lead.CLOSED,
}


def partner_leads(membership: Membership, tab: str = "offered") -> QuerySet[Lead]:
    """The partner's leads on one tab; a member sees only those assigned to them."""
    leads = Lead.objects.for_partner(membership.partner_id).filter(status__in=TABS.get(tab, TABS["offered"]))
    if membership.role != Membership.Role.ADMIN:
        leads = leads.filter(assigned_to_id=membership.user_id)
    due = LeadOffer.objects.filter(
        lead=OuterRef("pk"), partner=OuterRef("partner"), status=LeadOffer.Status.OPEN
    )
    return (
        leads.select_related("product", "assigned_to")
        .annotate(due_at=Subquery(due.values("due_at")[:1]))
        .order_by("-updated_at", "-pk")
    )


def partner_lead(membership: Membership, pk: int) -> Lead | None:
    """One lead the person may see (another partner's, or a member's not assigned: None)."""
    leads = Lead.objects.for_partner(membership.partner_id)
    if membership.role != Membership.Role.ADMIN:
        leads = leads.filter(assigned_to_id=membership.user_id)
    return leads.select_related("product", "assigned_to", "deal").filter(pk=pk).first()


def open_offer(lead: Lead) -> LeadOffer | None:
    return LeadOffer.objects.filter(lead=lead, partner=lead.partner, status=LeadOffer.Status.OPEN).first()


def lead_notes(lead: Lead) -> QuerySet[LeadNote]:
    return LeadNote.objects.filter(lead=lead, partner=lead.partner).select_related("author")


def offered_to_person(user_id: int) -> QuerySet[Lead]:
    """Offered leads waiting for this person's answer, from the person alone (the home and
    the navigation badge have no membership on the request): their partner's if they are its
    admin, else those assigned to them. One join on the active membership."""
    return Lead.objects.filter(
        Q(assigned_to_id=user_id) | Q(partner__memberships__role=Membership.Role.ADMIN),
        partner__memberships__user_id=user_id,
        partner__memberships__is_active=True,
        status=Lead.Status.OFFERED,
    )


def offered_badge(request):
    """The navigation badge: leads waiting for the person's answer (counted with the others)."""
    return offered_to_person(request.user.pk)


def staff_leads(user) -> QuerySet[Lead]:
    """Leads a manager may see: those held by their partners, and the unassigned ones (new or
    unrouted) they created, or every unassigned one with the global permission."""
    visible = partners_for_staff(user)
    if sees_every_partner(visible):
        leads = Lead.objects.all()
    else:
        held = scoped(Lead.objects.filter(partner__isnull=False), visible)
        leads = Lead.objects.filter(Q(pk__in=held.values("pk")) | Q(partner__isnull=True, created_by=user))
    return leads.select_related("partner", "product", "created_by")


def lead_offers(lead: Lead) -> QuerySet[LeadOffer]:
    return LeadOffer.objects.filter(lead=lead).select_related("partner", "rule", "offered_by", "decided_by")


# --- Metrics ---------------------------------------------------------------------------

METRICS_SQL = """
SELECT o.partner_id,
       count(*) AS offered,
       count(*) FILTER (WHERE o.status = 'accepted') AS accepted,
       count(*) FILTER (WHERE o.status IN ('accepted', 'declined', 'expired')) AS decided,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.decided_at - o.offered_at) / 3600)
           FILTER (WHERE o.status = 'accepted') AS median_hours,
       count(l.id) FILTER (WHERE l.status = 'converted') AS converted,
       coalesce(sum(d.counted_amount_jpy) FILTER (WHERE d.stage = 'won'), 0) AS won_revenue
FROM leads_leadoffer o
LEFT JOIN leads_lead l ON l.id = o.lead_id AND o.status = 'accepted'
LEFT JOIN incentives_deal d ON d.id = l.deal_id
WHERE o.offered_at >= %s AND o.offered_at < %s{narrow}
GROUP BY o.partner_id
"""


@dataclass(frozen=True)
class LeadMetrics:
    offered: int = 0
    accepted: int = 0
    decided: int = 0
    median_hours: float | None = None
    converted: int = 0
    won_revenue: Decimal = Decimal(0)  # counted (reviewed) amounts of won deals from leads

    @property
    def acceptance_rate(self) -> int | None:
        return round(self.accepted * 100 / self.decided) if self.decided else None

    @property
    def conversion_rate(self) -> int | None:
        return round(self.converted * 100 / self.accepted) if self.accepted else None


EPOCH = datetime(2000, 1, 1).astimezone()
FOREVER = datetime(9999, 1, 1).astimezone()


def lead_metrics(
    partner_ids: list[int] | None, *, start: datetime = EPOCH, end: datetime = FOREVER
) -> dict[int, LeadMetrics]:
    """Per partner, offers made in [start, end): offered, accepted, decided (accepted,
    declined or expired), the median hours to accept, the accepted leads converted and the
    counted revenue of the won deals they became. One query."""
    narrow, params = ("", []) if partner_ids is None else (" AND o.partner_id = ANY(%s)", [partner_ids])
    with connection.cursor() as cursor:
        cursor.execute(METRICS_SQL.format(narrow=narrow), [start, end, *params])
        rows = cursor.fetchall()
    return {
        pk: LeadMetrics(
            offered=offered,
            accepted=accepted,
            decided=decided,
            median_hours=round(hours, 1) if hours is not None else None,
            converted=converted,
            won_revenue=Decimal(won),
        )
        for pk, offered, accepted, decided, hours, converted, won in rows
    }


def partner_lead_metrics(partner) -> LeadMetrics:
    """All offers ever made to one partner: partner 360 and the partner's home."""
    return lead_metrics([partner.pk]).get(partner.pk, LeadMetrics())


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def leads_block(query: BlockQuery) -> dict:
    """Lead metrics per partner for offers made in the period (the 20 offered most)."""
    metrics = lead_metrics(query.partner_ids, start=query.start_at, end=query.end_at)
    names = dict(Partner.objects.filter(pk__in=list(metrics)).values_list("pk", "name"))
    top = sorted(metrics.items(), key=lambda item: (-item[1].offered, names.get(item[0], "")))[:20]
    rows = [
        [
            names.get(pk, ""),
            m.offered,
            _percent(m.acceptance_rate),
            "–" if m.median_hours is None else m.median_hours,
            _percent(m.conversion_rate),
            int(m.won_revenue),
        ]
        for pk, m in top
    ]
    return {
        "title": _("Leads passed to partners"),
        "header": [
            _("Partner"),
            _("Offered"),
            _("Acceptance rate"),
            _("Median hours to accept"),
            _("Conversion rate"),
            _("Won revenue (JPY)"),
        ],
        "rows": rows,
        "labels": [r[0] for r in rows],
        "series": {_("Offered"): [r[1] for r in rows]},
        "detail_url": "leads:staff_leads",
        "note": _(
            "Offers made in the period. Acceptance: accepted among offers answered or expired; "
            "conversion: accepted leads registered as deals; revenue: reviewed won amounts only."
        ),
        "managers_only": True,
    }


# --- Personal data (privacy.registry) ----------------------------------------------------


def leads_about(*, email: str, name: str, partner_ids) -> list[Found]:
    """Leads naming the person as the customer contact (by e-mail, or by name with spaces
    ignored), held by the staff user's partners (or unassigned)."""
    leads = naming_person(Lead.objects.all(), email=email, name=name)
    if partner_ids is not None:
        leads = leads.filter(Q(partner_id__in=partner_ids) | Q(partner__isnull=True))
    return [
        Found(
            "leads",
            lead.pk,
            f"{lead.company} · {lead.partner.name if lead.partner else '–'}",
            f"{lead.contact_name} {lead.contact_email} {lead.contact_phone}".strip(),
            url=reverse("leads:staff_detail", args=[lead.pk]),
            partner_id=lead.partner_id,
        )
        for lead in leads.select_related("partner").order_by("-created_at")[:100]
    ]


def leads_for_export(partner):
    """The leads a partner holds, for its offboarding export."""
    return Lead.objects.for_partner(partner).select_related("product", "deal").order_by("created_at")


def accepted_offers_by_partner(partner_ids, start: date, end: date) -> dict[int, int]:
    """Offers each partner accepted in the period (the local day of the answer): one query."""
    rows = (
        LeadOffer.objects.filter(
            partner_id__in=list(partner_ids),
            status=LeadOffer.Status.ACCEPTED,
            decided_at__date__gte=start,
            decided_at__date__lte=end,
        )
        .order_by()
        .values("partner_id")
        .annotate(value=Count("pk"))
        .values_list("partner_id", "value")
    )
    return dict(rows)
