"""Plug-ins of the content app (constants only: see docs/CONVENTIONS.md)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "content-publish-due": {"task": "content.tasks.publish_due_assets", "schedule": crontab(minute="*/5")},
    "content-aggregate-engagement": {
        "task": "content.tasks.aggregate_engagement",
        "schedule": crontab(minute="*/10"),
    },
    "content-recount-engagement": {
        "task": "content.tasks.recount_engagement",
        "schedule": crontab(hour=3, minute=40),
    },
    "content-refresh-popularity": {
        "task": "content.tasks.refresh_popularity",
        "schedule": crontab(minute=25),
    },
    "content-weekly-digest": {
        "task": "content.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
}
HOME_PANELS = ["content.views.home_panel"]
STAFF_LINKS = ["content.views.staff_links"]
