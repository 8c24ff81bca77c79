from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top layer: the channel dashboard composes the blocks every app registers
    (prm.ui.registry), and partner 360 reads every app's queries. Its blocks may lag (five
    minutes, `queries.dashboard_blocks`): no receivers, no tables of its own."""

    name = "dashboard"
    verbose_name = _("Channel dashboard")
