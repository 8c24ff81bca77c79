from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Customer personal data as Japan's APPI (個人情報保護法) requires: third-party provision
    records, the staff workflow for requests from the people concerned (開示等請求), and the
    per-partner data export. Sits just above `partners` (docs/CONVENTIONS.md): the apps above
    write provision records through `privacy.services` and register what they hold about a
    partner or a person in `privacy.registry`."""

    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from privacy import (
            receivers,  # noqa: F401  (connects the partners.signals receivers)
            sections,
            staff_views,
        )
        from prm.ui import registry

        sections.register()
        registry.register_staff_links(staff_views.staff_links, order=45)
