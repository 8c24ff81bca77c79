"""Celery tasks of the marketplace: thin, take ids, idempotent (the notification centre
stores one row per person and event), acks_late."""

from celery import shared_task

from marketplace import emails

NOTICES = {
    "listing_submitted": emails.listing_submitted,
    "listing_decided": emails.listing_decided,
}


@shared_task(acks_late=True)
def notify(event: str, pk: int) -> None:
    NOTICES[event](pk)
