from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content library")

    def ready(self):
        from content import staff_views, views
        from prm import registry

        registry.register_home_panel(views.home_panel, order=20)
        registry.register_staff_links(staff_views.staff_links, order=20)
