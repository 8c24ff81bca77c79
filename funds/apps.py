from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Market development funds")

    def ready(self):
        from funds import privacy_sections, queries, staff_views
        from prm.ui import registry

        registry.register_staff_links(staff_views.staff_links, order=45)
        registry.register_dashboard_block("funds", queries.funds_block, order=65)
        privacy_sections.register()  # what funds hold about a partner (offboarding export)

        from funds import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
