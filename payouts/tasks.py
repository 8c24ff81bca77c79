"""Celery tasks of payouts: thin, take ids, idempotent, acks_late."""

from celery import shared_task

from payouts import emails


@shared_task(acks_late=True)
def send_notice(payout_id: int) -> int:
    return emails.notice_issued(payout_id=payout_id)
