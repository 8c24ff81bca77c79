"""What payouts holds about a partner (the offboarding export): its payee profile and its
payment statements, registered with privacy.registry. An account holder's name can be a
person's (a sole proprietor): it leaves with the partner's export."""

from django.utils.translation import gettext_lazy as _

from payouts import queries, tables
from payouts.models import PayeeProfile, Payout
from privacy import registry


def register() -> None:
    registry.register_partner_export(
        "payee",
        label=_("Payee details"),
        columns=tables.PAYEE_EXPORT_COLUMNS,
        rows=lambda p: PayeeProfile.objects.for_partner(p),
        count=lambda p: PayeeProfile.objects.for_partner(p).count(),
        order=65,
    )
    registry.register_partner_export(
        "payouts",
        label=_("Payment statements"),
        columns=tables.PAYOUT_COLUMNS,
        rows=queries.payouts_for_export,
        count=lambda p: Payout.objects.for_partner(p).count(),
        order=66,
    )
