from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from celery.schedules import crontab

        from incentives import (
            privacy_sections,
            queries,
            receivers,  # noqa: F401  (connects the partners.signals receivers)
            rollups,
            staff_views,
            tasks,
            views,
        )
        from prm.ui import registry

        registry.register_home_panel(views.home_panel, order=40)
        registry.register_staff_links(staff_views.staff_links, order=40)
        registry.register_dashboard_block("deals", queries.deals_block, order=50)
        registry.register_dashboard_block("tiers", queries.tiers_block, order=60)
        # Beside onboarding's "within 60 days" cohorts (order 20): do onboarded partners sell?
        registry.register_dashboard_block("activation", queries.activation_block, order=21)
        registry.register_dashboard_block("activation-groups", queries.activation_groups_block, order=22)
        registry.register_dashboard_block("credits", queries.credit_block, order=55)
        # Kept by the services that write earnings; rebuilt whole only by refresh_rollups.
        registry.register_rollup(
            "incentives-program-cost", label="program cost", refresh=rollups.program_cost_refresh, order=10
        )
        registry.register_rollup(
            "incentives-deal-rollup",
            label="deals per partner (dashboard)",
            refresh=rollups.deal_rollup_refresh,
            task=tasks.refresh_deal_rollup,
            schedule=crontab(minute=40),
            order=30,
        )
        registry.register_rollup(
            "incentives-activation",
            label="partner activation (dashboard)",
            refresh=rollups.activation_refresh,
            task=tasks.refresh_activation,
            schedule=crontab(minute=45),
            order=35,
        )
        privacy_sections.register()  # what incentives holds about a partner and a person

        from incentives import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
