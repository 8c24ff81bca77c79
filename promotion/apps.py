from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "promotion"
    verbose_name = _("Promotion")

    def ready(self):
        from prm.ui import registry
        from promotion import privacy_sections, queries, staff_views, views

        # Announcements and the overview video come first on the partner home.
        registry.register_home_panel(views.home_panel, order=5)
        registry.register_staff_links(staff_views.staff_links, order=50)
        registry.register_dashboard_block("campaigns", queries.campaigns_block, order=70)
        registry.register_dashboard_block("prospects", queries.prospect_funnel_block, order=71)
        privacy_sections.register()  # what promotion holds about a partner (offboarding export)

        from prm.webhooks import registry as webhook_events
        from promotion import webhooks

        webhook_events.register(*webhooks.EVENTS)
