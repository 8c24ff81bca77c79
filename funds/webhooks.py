"""The funds app's webhook events (prm.webhooks.registry), registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from funds.models import Claim, FundRequest
from prm.webhooks.registry import EventType

EVENTS = [
    EventType(
        "mdf_request.submitted",
        _("MDF request submitted"),
        FundRequest,
        audit_actions=("fund_request.submitted", "fund_request.resubmitted"),
        order_per="partner",
    ),
    EventType(
        "mdf_request.decided",
        _("MDF request approved, returned or rejected"),
        FundRequest,
        audit_actions=("fund_request.approved", "fund_request.returned", "fund_request.rejected"),
        order_per="partner",
    ),
    EventType(
        "mdf_request.withdrawn",
        _("MDF request withdrawn"),
        FundRequest,
        audit_actions=("fund_request.withdrawn",),
        order_per="partner",
    ),
    EventType(
        "mdf_claim.decided",
        _("MDF claim approved, returned or rejected"),
        Claim,
        audit_actions=("fund_claim.approved", "fund_claim.returned", "fund_claim.rejected"),
        order_per="partner",
    ),
    EventType(
        "mdf_claim.paid", _("MDF claim paid"), Claim, audit_actions=("fund_claim.paid",), order_per="partner"
    ),
]
