from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from imports import staff_views
        from prm.ui import registry

        registry.register_staff_links(staff_views.staff_links, order=15)
