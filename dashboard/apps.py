from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top layer: the channel dashboard and partner 360 read every app's queries."""

    name = "dashboard"
    verbose_name = _("Channel dashboard")

    def ready(self):
        from dashboard import receivers
        from incentives.deal_rollup import deal_rollup_refreshed
        from incentives.signals import tiers_recomputed
        from partners.signals import (
            partner_activated,
            partner_approved,
            partner_offboarded,
            partner_reactivated,
            partner_suspended,
        )

        for signal in (
            partner_approved,
            partner_activated,
            partner_suspended,
            partner_reactivated,
            partner_offboarded,
            tiers_recomputed,
            deal_rollup_refreshed,
        ):
            signal.connect(receivers.invalidate, dispatch_uid=f"dashboard.invalidate.{id(signal)}")
