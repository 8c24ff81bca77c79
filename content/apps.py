from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content library")

    def ready(self):
        from content import views
        from prm.ui import registry

        registry.register_home_panel(views.home_panel, order=20)
        registry.register_staff_links(views.staff_links, order=20)
