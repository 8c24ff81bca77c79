"""Thin tasks for large files: check or import by job id (idempotent: a job claims its step)."""

from celery import shared_task

from imports import services


@shared_task(acks_late=True)
def check_import(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task(acks_late=True)
def run_import(job_id: int) -> None:
    services.import_job_import(job_id=job_id)


@shared_task(acks_late=True)
def purge_files() -> int:
    return services.import_files_purge()
