from celery import shared_task
from django.utils import timezone

from prm.models import Heartbeat


@shared_task(acks_late=True)
def heartbeat(name: str = "celery") -> str:
    """Run every few minutes by beat on a worker; /healthz reports how long ago it last ran."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now.isoformat()
