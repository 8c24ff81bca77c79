from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from incentives import scorecard_sections
        from leads import privacy_sections, queries, staff_views, views, webhooks
        from prm.ui import registry
        from prm.webhooks import registry as webhook_events

        registry.register_home_panel(views.home_panel, order=42)
        registry.register_nav_badge("leads", queries.offered_badge)
        registry.register_staff_links(staff_views.staff_links, order=42)
        registry.register_dashboard_block("leads", queries.leads_block, order=56)
        scorecard_sections.register_section(views.scorecard_section, order=10)
        privacy_sections.register()  # the end customer's contact in a lead (APPI)
        webhook_events.register(*webhooks.EVENTS)
