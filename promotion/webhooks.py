"""The promotion app's webhook events (prm.webhooks.registry), registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from prm.webhooks.registry import EventType
from promotion.models import Campaign

EVENTS = [
    EventType(
        "campaign.opted_in",
        _("Partner joined a campaign"),
        Campaign,
        audit_actions=("campaign.opted_in",),
        order_per="partner",
    ),
]
