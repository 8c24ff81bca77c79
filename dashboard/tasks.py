from celery import shared_task

from dashboard.rollup import engagement_refresh


@shared_task(acks_late=True)
def refresh_engagement() -> None:
    engagement_refresh()
