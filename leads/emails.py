"""E-mails and notifications of the leads app: in the recipient's language, absolute links,
each event once per person (prm.notifications.center.notify's event key)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from leads.models import Lead, LeadOffer
from partners.queries import partner_admins
from prm.notifications.center import notify
from prm.notifications.emails import templates


def _mail(template: str, context: dict) -> dict:
    return {**templates(f"leads/emails/{template}"), "context": context}


def lead_offered(*, offer_id: int) -> None:
    """The partner's admins hear of an offer still open (not the customer's contact: they
    see it once they accept)."""
    offer = (
        LeadOffer.objects.select_related("lead", "partner", "lead__product")
        .filter(pk=offer_id, status=LeadOffer.Status.OPEN)
        .first()
    )
    if offer is None:
        return
    path = reverse("leads:detail", args=[offer.lead_id])
    due = date_format(timezone.localtime(offer.due_at), "DATETIME_FORMAT")
    notify(
        kind="lead_offered",
        recipients=partner_admins(offer.partner_id),
        event_key=f"lead-offer:{offer.pk}",
        params={"company": offer.lead.company, "date": due},
        url=path,
        partner_id=offer.partner_id,
        email=_mail("lead_offered", {"offer": offer, "lead": offer.lead, "url": settings.SITE_URL + path}),
    )


def lead_unrouted(*, lead_id: int) -> None:
    """The manager who created the lead hears that no partner is left to offer it to."""
    lead = Lead.objects.select_related("created_by").filter(pk=lead_id, status=Lead.Status.UNROUTED).first()
    if lead is None or lead.created_by is None:
        return
    path = reverse("leads:staff_detail", args=[lead.pk])
    notify(
        kind="lead_unrouted",
        recipients=[lead.created_by],
        event_key=f"lead-unrouted:{lead.pk}:{lead.offers.count()}",
        params={"company": lead.company},
        url=path,
        email=_mail(
            "lead_unrouted",
            {"lead": lead, "offers": lead.offers.select_related("partner"), "url": settings.SITE_URL + path},
        ),
    )
