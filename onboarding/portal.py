"""Plug-ins for the portal (constants only: settings imports this module)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "onboarding-daily-reminders": {
        "task": "onboarding.tasks.run_daily_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}
HOME_PANELS = ["onboarding.views.home_panel"]
STAFF_LINKS = ["onboarding.views.staff_links"]
