"""Celery tasks: thin, take ids, idempotent, acks_late."""

from celery import shared_task

from leads import emails, services


@shared_task(acks_late=True)
def expire_offers() -> dict:
    return services.offers_expire()


@shared_task(acks_late=True)
def anonymise_lead_contacts() -> int:
    return services.leads_contacts_anonymise_stale()


@shared_task(acks_late=True)
def notify_lead_offered(offer_id: int) -> None:
    emails.lead_offered(offer_id=offer_id)


@shared_task(acks_late=True)
def notify_lead_unrouted(lead_id: int) -> None:
    emails.lead_unrouted(lead_id=lead_id)
