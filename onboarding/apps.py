from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from celery.schedules import crontab

        from onboarding import (
            queries,
            receivers,  # noqa: F401  (connects the partners, content and training receivers)
            rollups,
            staff_views,
            tasks,
            views,
            webhooks,
        )
        from prm.ui import registry
        from prm.webhooks import registry as webhook_events

        registry.register_home_panel(views.home_panel, order=30)
        registry.register_staff_links(staff_views.staff_links, order=30)
        registry.register_dashboard_block("recruitment", queries.recruitment_block, order=10)
        registry.register_dashboard_block("onboarding", queries.cohorts_block, order=20)
        registry.register_rollup(
            "onboarding-refresh-metrics",
            label="onboarding task lateness",
            refresh=rollups.task_lateness_refresh,
            task=tasks.refresh_metrics,
            schedule=crontab(minute=35),
            order=20,
        )
        webhook_events.register(*webhooks.EVENTS)
