"""The payouts app's webhook events (prm.webhooks.registry), registered in apps.py: a partner's
accounting system hears when a payment statement is issued and when it is paid."""

from django.utils.translation import gettext_lazy as _

from payouts.models import Payout
from prm.webhooks.registry import EventType

EVENTS = [
    EventType(
        "payout.issued",
        _("Payment statement issued"),
        Payout,
        audit_actions=("payout.approved",),
        order_per="partner",
    ),
    EventType(
        "payout.paid",
        _("Payment statement paid"),
        Payout,
        audit_actions=("payout.paid",),
        order_per="partner",
    ),
]
