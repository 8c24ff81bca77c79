"""Plug-ins collected by prm/settings.py (constants only)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "promotion-reminders": {"task": "promotion.tasks.sweep_reminders", "schedule": crontab(hour=9, minute=0)},
}
HOME_PANELS = ["promotion.views.home_panel"]
STAFF_LINKS = ["promotion.views.staff_links"]
