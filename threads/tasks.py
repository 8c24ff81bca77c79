import smtplib

from celery import shared_task

from threads import emails


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def notify_message(message_id: int) -> int:
    """E-mail the people who should hear about a new message. Idempotent per recipient, so a
    retry after a mail-server hiccup sends only what was not sent yet."""

    return emails.message_notify(message_id=message_id)
