"""Celery tasks of the plans app: thin, take ids, idempotent (the notification centre stores
one row per person and event), acks_late."""

from celery import shared_task

from plans import emails

NOTICES = {
    "plan_submitted": emails.plan_submitted,
    "plan_decided": emails.plan_decided,
    "review_awaits_partner": lambda pk: emails.review_awaits(pk, side="partner"),
    "review_awaits_manager": lambda pk: emails.review_awaits(pk, side="vendor"),
}


@shared_task(acks_late=True)
def notify(event: str, pk: int) -> None:
    NOTICES[event](pk)
