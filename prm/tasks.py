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
    from prm.notifications.center import summaries_send

    return summaries_send()


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    from prm.notifications.center import emails_send

    return emails_send(notification_ids=notification_ids)


@shared_task(acks_late=True)
def send_test_email(to: str, language: str | None = None) -> None:
    """`manage.py send_test_email --via-worker`: the same message, sent by a Celery worker."""
    import socket

    from prm.notifications.emails import send_test_email as send

    send(to=to, language=language, sender=f"Celery worker on {socket.gethostname()}")


@shared_task(acks_late=True)
def run_export(job_id: int) -> None:
    """A large CSV export (prm.exports.jobs): rewritten whole if a worker died in the middle."""
    from prm.exports.jobs import export_job_run

    export_job_run(job_id=job_id)


@shared_task(acks_late=True)
def purge_exports() -> int:
    from prm.exports.jobs import export_jobs_purge

    return export_jobs_purge()
