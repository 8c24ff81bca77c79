from celery import shared_task

from onboarding import notifications, rollups, services


@shared_task(acks_late=True)
def send_reminder(log_id: int) -> None:
    notifications.reminder_deliver(log_id=log_id)


@shared_task(acks_late=True)
def run_daily_reminders() -> None:
    services.reminders_run()


@shared_task(acks_late=True)
def refresh_metrics() -> int:
    """Hourly: the staff metrics' task lateness roll-up."""
    return rollups.task_lateness_refresh()


@shared_task(acks_late=True)
def notify_plan_started(plan_id: int) -> None:
    notifications.plan_started(plan_id=plan_id)


@shared_task(acks_late=True)
def notify_submission(submission_id: int) -> None:
    notifications.submission_received(submission_id=submission_id)


@shared_task(acks_late=True)
def notify_submission_returned(submission_id: int) -> None:
    notifications.submission_returned(submission_id=submission_id)


@shared_task(acks_late=True)
def notify_submission_accepted(submission_id: int) -> None:
    notifications.submission_accepted(submission_id=submission_id)
