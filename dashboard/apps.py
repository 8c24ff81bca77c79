from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top layer: the channel dashboard and partner 360 read every app's queries.
    Its blocks may lag (five minutes, `queries.dashboard_blocks`): no receivers."""

    name = "dashboard"
    verbose_name = _("Channel dashboard")
