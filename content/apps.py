from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content library")

    def ready(self):
        from celery.schedules import crontab

        from content import queries, rollups, staff_views, tasks, views
        from prm.ui import registry

        registry.register_home_panel(views.home_panel, order=20)
        registry.register_staff_links(staff_views.staff_links, order=20)
        registry.register_staff_links(staff_views.contribution_links, order=21)
        registry.register_dashboard_block("content", queries.engagement_block, order=40)
        registry.register_rollup(
            "content-engagement-rollup",
            label="content engagement (dashboard)",
            refresh=rollups.engagement_refresh,
            task=tasks.refresh_engagement,
            schedule=crontab(minute="*/15"),
            order=40,
        )
        registry.register_rollup(
            "content-recount-engagement",
            label="engagement counters",
            refresh=rollups.engagement_recount,
            task=tasks.recount_engagement,
            schedule=crontab(hour=3, minute=40),
            order=50,
        )
        registry.register_rollup(
            "content-refresh-popularity",
            label="partners like you",
            refresh=rollups.popularity_refresh,
            task=tasks.refresh_popularity,
            schedule=crontab(minute=25),
            order=60,
        )
        registry.register_rollup(
            "content-refresh-analytics",
            label="content analytics",
            refresh=rollups.analytics_refresh,
            task=tasks.refresh_analytics,
            schedule=crontab(minute=25),
            order=70,
        )
