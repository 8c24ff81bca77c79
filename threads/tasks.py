from celery import shared_task


@shared_task(acks_late=True)
def notify_message(message_id: int) -> int:
    """E-mail the people who should hear about a new message (idempotent per recipient)."""
    from threads import emails

    return emails.message_notify(message_id=message_id)
