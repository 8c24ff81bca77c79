from celery import shared_task
from django.utils import timezone

from prm.models import Heartbeat


@shared_task(acks_late=True)
def heartbeat(name: str = "celery") -> str:
    """Run every few minutes by beat on a worker; /healthz reports how long ago it last ran."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now.isoformat()


@shared_task(acks_late=True)
def send_notification_summaries() -> int:
    """The daily summary e-mail for people who chose it (claimed per person: a repeat is a no-op)."""
    from prm.notifications import summaries_send

    return summaries_send()


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    from prm.notifications import emails_send

    return emails_send(notification_ids=notification_ids)


@shared_task(acks_late=True)
def send_test_email(to: str, language: str | None = None) -> None:
    """`manage.py send_test_email --via-worker`: the same message, sent by a Celery worker."""
    import socket

    from prm.emails import send_test_email as send

    send(to=to, language=language, sender=f"Celery worker on {socket.gethostname()}")
