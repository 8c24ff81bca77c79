from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = _("Payouts")

    def ready(self):
        from payouts import privacy_sections, staff_views
        from prm.ui import registry

        registry.register_staff_links(staff_views.staff_links, order=45)
        privacy_sections.register()  # what payouts holds about a partner (offboarding export)

        from payouts import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
