from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Solution marketplace")

    def ready(self):
        from marketplace import links
        from prm.ui import registry

        registry.register_staff_links(links.staff_links, order=48)
