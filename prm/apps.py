from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = _("Portal")

    def ready(self):
        # Receivers (`@receiver` in each sub-package's receivers.py) connect when imported.
        from prm.access import receivers as access_receivers  # noqa: F401
        from prm.audit import receivers as audit_receivers  # noqa: F401
        from prm.ui import receivers as ui_receivers  # noqa: F401
