from celery import shared_task

from dashboard import rollups


@shared_task(acks_late=True)
def refresh_engagement() -> None:
    """Every 15 minutes: the content engagement roll-ups (prm.registry.rollups())."""
    rollups.engagement_refresh()
