"""What incentives holds about a partner (the offboarding export) and about a person (a
request from them), registered with privacy.registry."""

from django.utils.translation import gettext_lazy as _

from incentives import queries, services, tables
from incentives.models import Deal, Earning
from privacy import registry


def register() -> None:
    registry.register_partner_export(
        "deals",
        label=_("Deal registrations"),
        columns=tables.DEAL_EXPORT_COLUMNS,
        rows=queries.deals_for_export,
        count=lambda p: Deal.objects.for_partner(p).count(),
        order=40,
    )
    registry.register_partner_export(
        "earnings",
        label=_("Earnings and statements"),
        columns=tables.EARNING_COLUMNS,
        rows=queries.earnings_for_export,
        count=lambda p: Earning.objects.for_partner(p).count(),
        order=60,
    )
    registry.register_subject_finder(
        "deals",
        label=_("Deal registrations (customer contact)"),
        find=queries.deals_about,
        erase=services.deal_contacts_erase,
        order=30,
    )
