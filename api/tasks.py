from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from api.base import IDEMPOTENCY_HOURS
from api.models import IdempotencyKey


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    ).delete()
    return deleted
