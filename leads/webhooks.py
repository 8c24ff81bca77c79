"""The leads app's webhook events (prm.webhooks.registry), registered in apps.py.

A partner admin's endpoint hears of the leads its partner holds: offered (the contact comes
once accepted), accepted, each status it records, converted. What happens between the vendor's routing and the
partners (a decline, an offer that ran out, a lead nobody could take) is for the channel managers' endpoints: once a partner declines, the lead is no
longer theirs to read."""

from django.utils.translation import gettext_lazy as _

from leads.models import Lead
from prm.webhooks.registry import VENDOR, EventType

VENDOR_ONLY = frozenset({VENDOR})

EVENTS = [
    EventType("lead.offered", _("Lead offered to a partner"), Lead, audit_actions=("lead.offered",)),
    EventType("lead.accepted", _("Lead accepted"), Lead, audit_actions=("lead.accepted",)),
    EventType("lead.converted", _("Lead converted to a deal"), Lead, audit_actions=("lead.converted",)),
    EventType(
        "lead.declined", _("Lead declined"), Lead, audit_actions=("lead.declined",), audiences=VENDOR_ONLY
    ),
    EventType(
        "lead.offer_expired",
        _("Lead offer expired"),
        Lead,
        audit_actions=("lead.offer_expired",),
        audiences=VENDOR_ONLY,
    ),
    EventType(
        "lead.unrouted",
        _("Lead without a partner"),
        Lead,
        audit_actions=("lead.unrouted",),
        audiences=VENDOR_ONLY,
    ),
    EventType(
        "lead.status_changed",
        _("Lead status changed by the partner"),
        Lead,
        audit_actions=("lead.status_changed",),
    ),
]
