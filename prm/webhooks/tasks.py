from celery import shared_task

from prm.webhooks import delivery, emails, outbox


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    return delivery.attempt(delivery_id)


@shared_task(acks_late=True)
def sweep() -> int:
    """Every minute: queue the deliveries no task carries (lost with Redis, a killed worker,
    a back-off longer than a countdown)."""
    return outbox.sweep()


@shared_task(acks_late=True)
def purge() -> int:
    return delivery.purge()


@shared_task(acks_late=True)
def send_endpoint_disabled(endpoint_id: int) -> bool:
    return emails.endpoint_disabled(endpoint_id=endpoint_id)
