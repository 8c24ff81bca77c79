from celery import shared_task


@shared_task(acks_late=True)
def send_reminder(log_id: int) -> None:
    from onboarding.reminders import reminder_deliver

    reminder_deliver(log_id=log_id)


@shared_task(acks_late=True)
def run_daily_reminders() -> None:
    from onboarding.reminders import run_reminders

    run_reminders()


@shared_task(acks_late=True)
def notify_plan_started(plan_id: int) -> None:
    from onboarding.notifications import plan_started

    plan_started(plan_id=plan_id)


@shared_task(acks_late=True)
def notify_submission(submission_id: int) -> None:
    from onboarding.notifications import submission_received

    submission_received(submission_id=submission_id)


@shared_task(acks_late=True)
def notify_submission_returned(submission_id: int) -> None:
    from onboarding.notifications import submission_returned

    submission_returned(submission_id=submission_id)


@shared_task(acks_late=True)
def notify_submission_accepted(submission_id: int) -> None:
    from onboarding.notifications import submission_accepted

    submission_accepted(submission_id=submission_id)
