from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(acks_late=True)
def heartbeat() -> str:
    """Beat proves it is alive: staff home and /healthz readers can see the last tick."""
    now = timezone.now().isoformat()
    cache.set("prm:heartbeat", now, timeout=None)
    return now
