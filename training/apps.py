from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from prm.ui import registry
        from prm.webhooks import registry as webhook_events
        from training import privacy_sections, staff_views, webhooks

        privacy_sections.register()  # what training holds about a partner (offboarding export)
        webhook_events.register(*webhooks.EVENTS)
        registry.register_staff_links(staff_views.staff_links, order=35)
