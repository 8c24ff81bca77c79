import socket

from celery import shared_task
from django.utils import timezone

from prm.exports.jobs import export_job_run, export_jobs_purge
from prm.models import Heartbeat
from prm.notifications import emails
from prm.notifications.center import emails_send, summaries_send


@shared_task(acks_late=True)
def heartbeat(name: str = "celery") -> str:
    """Run every few minutes by beat on a worker; /healthz reports how long ago it last ran."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    return now.isoformat()


@shared_task(acks_late=True)
def send_notification_summaries() -> int:
    """The daily summary e-mail for people who chose it (claimed per person: a repeat is a no-op)."""
    return summaries_send()


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    return emails_send(notification_ids=notification_ids)


@shared_task(acks_late=True)
def send_test_email(to: str, language: str | None = None) -> None:
    """`manage.py send_test_email --via-worker`: the same message, sent by a Celery worker."""
    emails.send_test_email(to=to, language=language, sender=f"Celery worker on {socket.gethostname()}")


@shared_task(acks_late=True)
def run_export(job_id: int) -> None:
    """A large CSV export (prm.exports.jobs): rewritten whole if a worker died in the middle."""
    export_job_run(job_id=job_id)


@shared_task(acks_late=True)
def purge_exports() -> int:
    return export_jobs_purge()
