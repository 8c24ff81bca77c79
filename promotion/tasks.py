"""Celery tasks: thin, take ids, idempotent, acks_late."""

from celery import shared_task

from promotion import services


@shared_task(acks_late=True)
def cobrand_file(file_id: int) -> None:
    services.cobranded_generate(file_id=file_id)


@shared_task(acks_late=True)
def sweep_reminders() -> int:
    return services.reminders_sweep()


@shared_task(acks_late=True)
def send_reminder(log_id: int) -> bool:
    return services.reminder_send(log_id=log_id)
