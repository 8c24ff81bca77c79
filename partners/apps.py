from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from partners import queries, staff_views, views
        from prm.ui import registry

        registry.register_home_panel(views.company_panel, order=10)
        registry.register_home_panel(views.referral_panel, order=11)
        registry.register_staff_links(staff_views.staff_links, order=10)
        registry.register_dashboard_block("activity", queries.activity_block, order=30)

        from partners import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
