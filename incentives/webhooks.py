"""The incentives app's webhook events (prm.webhooks.registry), registered in apps.py.

Deal events follow the audit rows of the services; "protection ending" is raised by the
daily protection sweep and "tier changed" by the set-based recomputation (publish_many)."""

from django.utils.translation import gettext_lazy as _

from incentives.models import Deal, TierChange
from prm.webhooks.registry import EventType

DEAL_PROTECTION_ENDING = EventType("deal.protection_ending", _("Deal protection ending soon"), Deal)
TIER_CHANGED = EventType("tier.changed", _("Tier changed"), TierChange, order_per="partner")

EVENTS = [
    EventType(
        "deal.submitted",
        _("Deal registration submitted for review"),
        Deal,
        # A new registration, or an approved one sent back to review by a change of amount.
        audit_actions=("deal.registered", "deal.updated"),
        when=lambda data: "back_to_review" not in data or bool(data["back_to_review"]),
    ),
    EventType("deal.approved", _("Deal registration approved"), Deal, audit_actions=("deal.approved",)),
    EventType("deal.rejected", _("Deal registration rejected"), Deal, audit_actions=("deal.rejected",)),
    EventType("deal.won", _("Deal won"), Deal, audit_actions=("deal.won",)),
    EventType("deal.lost", _("Deal lost"), Deal, audit_actions=("deal.lost",)),
    EventType(
        "deal.protection_extension_requested",
        _("Deal protection extension requested"),
        Deal,
        audit_actions=("deal.extension_requested",),
    ),
    EventType(
        "deal.protection_extended",
        _("Deal protection extended"),
        Deal,
        audit_actions=("deal.extension_approved",),
    ),
    EventType(
        "deal.protection_extension_declined",
        _("Deal protection extension declined"),
        Deal,
        audit_actions=("deal.extension_declined",),
    ),
    EventType(
        "deal.credits_changed",
        _("Partners credited on a deal changed"),
        Deal,
        audit_actions=("deal.credit_added", "deal.credit_removed"),
    ),
    DEAL_PROTECTION_ENDING,
    TIER_CHANGED,
]
