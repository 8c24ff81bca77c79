"""Plug-ins collected by prm/settings.py (constants only)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "incentives-recompute-tiers": {
        "task": "incentives.tasks.recompute_tiers",
        "schedule": crontab(hour=2, minute=15),
    },
    "incentives-deal-protection": {
        "task": "incentives.tasks.sweep_deal_protection",
        "schedule": crontab(hour=6, minute=0),
    },
    "incentives-earnings": {
        "task": "incentives.tasks.compute_earnings",
        "schedule": crontab(hour=3, minute=0),
    },
}
HOME_PANELS = ["incentives.views.home_panel"]
STAFF_LINKS = ["incentives.views.staff_links"]
