"""Celery tasks of training: thin, take ids, idempotent (the notification centre stores one
row per person and event), acks_late."""

from celery import shared_task

from training import emails

NOTICES = {
    "exercise_submitted": emails.exercise_submitted,
    "exercise_reviewed": emails.exercise_reviewed,
}


@shared_task(acks_late=True)
def notify(event: str, pk: int) -> None:
    NOTICES[event](pk)
