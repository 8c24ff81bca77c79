from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from incentives import (
            privacy_sections,
            receivers,  # noqa: F401  (connects the partners.signals receivers)
            views,
        )
        from prm.ui import registry

        registry.register_home_panel(views.home_panel, order=40)
        registry.register_staff_links(views.staff_links, order=40)
        privacy_sections.register()  # what incentives holds about a partner and a person

        from incentives import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
