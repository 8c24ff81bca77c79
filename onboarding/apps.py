from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from onboarding import (
            receivers,  # noqa: F401  (connects the partners, content and training receivers)
            views,
            webhooks,
        )
        from prm import registry
        from prm.webhooks import registry as webhook_events

        registry.register_home_panel(views.home_panel, order=30)
        registry.register_staff_links(views.staff_links, order=30)
        webhook_events.register(*webhooks.EVENTS)
