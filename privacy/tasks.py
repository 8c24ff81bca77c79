"""Celery tasks: thin, take ids, idempotent, acks_late."""

from celery import shared_task

from privacy import emails, services


@shared_task(acks_late=True)
def remind_data_requests() -> dict:
    return services.data_requests_remind()


@shared_task(acks_late=True)
def purge_provision_records() -> int:
    return services.provision_records_purge()


@shared_task(acks_late=True)
def expire_partner_exports() -> int:
    return services.partner_exports_expire()


@shared_task(acks_late=True)
def build_partner_export(export_id: int) -> None:
    services.partner_export_build(export_id=export_id)


@shared_task(acks_late=True)
def notify_data_request(request_id: int, kind: str) -> None:
    emails.data_request_reminder(request_id=request_id, kind=kind)


@shared_task(acks_late=True)
def notify_partner_export(export_id: int) -> None:
    emails.partner_export_ready(export_id=export_id)
