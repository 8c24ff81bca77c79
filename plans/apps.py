from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Joint business plans")

    def ready(self):
        from plans import links
        from prm.ui import registry

        registry.register_staff_links(links.staff_links, order=47)
