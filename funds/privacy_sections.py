"""What the funds app holds about a partner, for the offboarding export (privacy.registry):
its MDF requests with their claims and results. The files (receipts, lead lists) stay in
private storage; the export lists them with the claim."""

from django.utils.translation import gettext_lazy as _

from funds import queries
from funds.models import FundRequest
from funds.tables import PARTNER_REQUEST_COLUMNS
from privacy import registry
from prm.exports.columns import Column

COLUMNS = [
    *PARTNER_REQUEST_COLUMNS,
    Column(
        _("Files"),
        lambda r: ", ".join(f.name for f in queries.claim_of(r).files.all()) if queries.claim_of(r) else "",
    ),
]


def register() -> None:
    registry.register_partner_export(
        "mdf",
        label=_("Market development funds: requests and claims"),
        columns=COLUMNS,
        rows=lambda partner: queries.requests_of(partner).prefetch_related("claim__files"),
        count=lambda partner: FundRequest.objects.for_partner(partner).count(),
        order=95,
    )
