from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The top layer beside the dashboard: the REST API over the apps' services and queries,
    and the portal pages where people issue API tokens and register webhook endpoints."""

    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self):
        from api import portal_views, representations
        from prm.ui import registry

        representations.register()  # webhook payloads: the API's own representation
        registry.register_staff_links(portal_views.staff_links, order=90)
