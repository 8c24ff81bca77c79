from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top layer: the channel dashboard composes the blocks every app registers, and
    partner 360 reads every app's queries. Its blocks may lag (five minutes,
    `queries.dashboard_blocks`): no receivers."""

    name = "dashboard"
    verbose_name = _("Channel dashboard")

    def ready(self):
        from celery.schedules import crontab

        from dashboard import queries, rollups, tasks
        from prm import registry

        registry.register_dashboard_block("content", queries.content_block, order=40)
        registry.register_rollup(
            "dashboard-engagement-rollup",
            label="content engagement (dashboard)",
            refresh=rollups.engagement_refresh,
            task=tasks.refresh_engagement,
            schedule=crontab(minute="*/15"),
            order=40,
        )
