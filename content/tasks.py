from datetime import date

from celery import shared_task

from content import rollups, services


@shared_task(acks_late=True)
def publish_due_assets() -> int:
    return services.assets_publish_due()


@shared_task(acks_late=True)
def aggregate_engagement() -> int:
    return rollups.engagement_aggregate()


@shared_task(acks_late=True)
def recount_engagement() -> None:
    rollups.engagement_recount()


@shared_task(acks_late=True)
def refresh_popularity() -> int:
    """Hourly: "partners like you"."""
    return rollups.popularity_refresh()


@shared_task(acks_late=True)
def refresh_analytics() -> int:
    """Hourly: the staff analytics roll-ups."""
    return rollups.analytics_refresh()


@shared_task(acks_late=True)
def refresh_engagement() -> None:
    """Every 15 minutes: the channel dashboard's content engagement roll-ups."""
    rollups.engagement_refresh()


@shared_task(acks_late=True)
def send_weekly_digests() -> int:
    """Fan out one task per recipient (each is idempotent per user and week)."""
    week = services.digest_week()
    ids = services.digest_recipient_ids(week=week)
    for user_id in ids:
        send_digest.delay(user_id=user_id, week=week.isoformat())
    return len(ids)


@shared_task(acks_late=True)
def send_digest(user_id: int, week: str) -> None:
    services.digest_send(user_id=user_id, week=date.fromisoformat(week))
