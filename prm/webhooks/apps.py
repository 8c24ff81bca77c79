from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "prm.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from prm.webhooks import checks  # noqa: F401  (every event type has a representation)
