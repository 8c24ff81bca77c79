"""What leads hold about a partner (the offboarding export) and about a person (a request
from the end customer named as a lead's contact), registered with privacy.registry."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads import queries, services
from leads.models import Lead
from privacy import registry
from prm.exports.columns import Column


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


LEAD_EXPORT_COLUMNS = [
    Column(_("Company"), lambda lead: lead.company),
    Column(_("Contact name"), lambda lead: lead.contact_name),
    Column(_("Contact e-mail"), lambda lead: lead.contact_email),
    Column(_("Contact phone"), lambda lead: lead.contact_phone),
    Column(_("Region"), lambda lead: lead.get_region_display()),
    Column(_("Need"), lambda lead: lead.need),
    Column(_("Status"), lambda lead: lead.get_status_display()),
    Column(_("Accepted"), lambda lead: _local(lead.accepted_at)),
    Column(_("Closed"), lambda lead: _local(lead.closed_at)),
    Column(_("Deal registration"), lambda lead: lead.deal_id or ""),
]


def register() -> None:
    registry.register_partner_export(
        "leads",
        label=_("Leads passed to the partner"),
        columns=LEAD_EXPORT_COLUMNS,
        rows=queries.leads_for_export,
        count=lambda p: Lead.objects.for_partner(p).count(),
        order=45,
    )
    registry.register_subject_finder(
        "leads",
        label=_("Leads (customer contact)"),
        find=queries.leads_about,
        erase=services.lead_contacts_erase,
        order=35,
    )
