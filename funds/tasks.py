"""Celery tasks of the funds app: thin, take ids, idempotent, acks_late."""

from celery import shared_task
from django.utils import timezone

from funds import emails, services
from funds.periods import period_of

NOTICES = {
    "request_submitted": lambda pk: emails.request_submitted(request_id=pk),
    "claim_submitted": lambda pk: emails.claim_submitted(claim_id=pk),
    "request_decided": lambda pk: emails.request_decided(request_id=pk),
    "claim_decided": lambda pk: emails.claim_decided(claim_id=pk),
}


@shared_task(acks_late=True)
def notify(event: str, pk: int) -> None:
    NOTICES[event](pk)


@shared_task(acks_late=True)
def allocate_funds() -> int:
    """At each period start (and daily after it: a partner that reached an MDF tier later
    in the period gets its fund then; existing funds are never touched)."""
    return services.funds_allocate(period=period_of(timezone.localdate()))


@shared_task(acks_late=True)
def expire_requests() -> int:
    return services.requests_expire()


@shared_task(acks_late=True)
def send_reminders() -> int:
    return emails.reminders_send()
