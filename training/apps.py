from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from prm.webhooks import registry as webhook_events
        from training import privacy_sections, webhooks

        privacy_sections.register()  # what training holds about a partner (offboarding export)
        webhook_events.register(*webhooks.EVENTS)
