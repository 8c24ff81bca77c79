"""The partners app's webhook events (prm.webhooks.registry), registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from partners.models import Application, Partner
from prm.webhooks.registry import VENDOR, EventType

VENDOR_ONLY = frozenset({VENDOR})

EVENTS = [
    EventType(
        "application.submitted",
        _("Application submitted"),
        Application,
        audit_actions=("application.submitted",),
        audiences=VENDOR_ONLY,
    ),
    EventType(
        "application.approved",
        _("Application approved"),
        Application,
        audit_actions=("application.approved",),
        audiences=VENDOR_ONLY,
    ),
    EventType(
        "application.rejected",
        _("Application rejected"),
        Application,
        audit_actions=("application.rejected",),
        audiences=VENDOR_ONLY,
    ),
    # Activated after onboarding, or again after a suspension.
    EventType(
        "partner.activated",
        _("Partner activated"),
        Partner,
        audit_actions=("partner.activated", "partner.reactivated"),
    ),
    EventType("partner.suspended", _("Partner suspended"), Partner, audit_actions=("partner.suspended",)),
    EventType("partner.offboarded", _("Partner offboarded"), Partner, audit_actions=("partner.offboarded",)),
]
