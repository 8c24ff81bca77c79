"""Column lists of the privacy app's tables and exports (prm.exports.columns)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.exports.columns import Column

CELLS = "privacy/staff/cells/"


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# The record of each third-party provision (APPI arts. 29 and 30): staff list and CSV, the
# partner's own CSV, and the partner export.
PROVISION_COLUMNS = [
    Column(_("ID"), lambda r: r.pk, html=False),
    Column(_("Provided"), lambda r: _local(r.provided_at), css="text-nowrap small"),
    Column(_("Provider"), lambda r: r.provider_name),
    Column(_("Provider's address"), lambda r: r.provider_address, html=False),
    Column(_("Provider's representative"), lambda r: r.provider_representative, html=False),
    Column(_("Entered by"), lambda r: r.provided_by_name, html=False),
    Column(_("Recipient"), lambda r: r.recipient_name, html=False),
    Column(_("Person"), lambda r: r.subject_name),
    Column(_("Person's company"), lambda r: r.subject_company),
    Column(_("Items provided"), lambda r: "、".join(r.item_labels())),
    Column(_("Basis"), lambda r: r.get_basis_display()),
    Column(_("How the partner obtained it"), lambda r: r.get_acquisition_display()),
    Column(_("Note"), lambda r: r.acquisition_note, html=False),
    Column(_("Source"), lambda r: r.get_source_display(), css="small"),
    Column(_("Source ID"), lambda r: r.source_id, html=False),
    Column(_("Kept until"), lambda r: r.retain_until, css="text-nowrap small"),
]

# Rows carry `overdue` (set by the view).
REQUEST_COLUMNS = [
    Column(_("ID"), lambda r: r.pk, cell=CELLS + "request.html"),
    Column(_("Kind"), lambda r: r.get_kind_display()),
    Column(_("Person concerned"), lambda r: r.subject_name),
    Column(_("Requester"), lambda r: r.requester_name, html=False),
    Column(_("Made by an agent"), lambda r: _("Yes") if r.by_agent else _("No"), html=False),
    Column(_("Status"), lambda r: r.get_status_display(), cell=CELLS + "status.html"),
    Column(_("Received on"), lambda r: r.received_on, css="text-nowrap small"),
    Column(_("Respond by"), lambda r: r.due_on, cell=CELLS + "due.html", css="text-nowrap small"),
    Column(_("Handled by"), lambda r: r.assignee or "", css="small"),
    Column(_("Partner concerned"), lambda r: r.partner.name if r.partner else "", html=False),
    Column(_("Identity verified on"), lambda r: r.identity_verified_on or "", html=False),
    Column(_("Closed"), lambda r: _local(r.closed_at), html=False),
]

EXPORT_COLUMNS = [
    Column(_("Partner"), lambda e: e.partner.name),
    Column(_("Requested"), lambda e: _local(e.created_at), css="text-nowrap small"),
    Column(_("Requested by"), lambda e: e.requested_by or _("System"), css="small"),
    Column(_("Reason"), lambda e: e.reason, css="small"),
    Column(_("Status"), lambda e: e.get_status_display(), cell=CELLS + "export_status.html"),
    Column(_("Rows"), lambda e: e.rows, css="text-end"),
    Column(_("Download until"), lambda e: _local(e.expires_at), css="text-nowrap small"),
]

# The partner export's own sections (privacy.sections).
PARTNER_COLUMNS = [
    Column(_("ID"), lambda p: p.pk),
    Column(_("Company name"), lambda p: p.name),
    Column(_("Partner type"), lambda p: p.get_partner_type_display()),
    Column(_("Status"), lambda p: p.get_status_display()),
    Column(_("Country"), lambda p: str(p.country.name) if p.country else ""),
    Column(_("Website"), lambda p: p.website),
    Column(_("Company description"), lambda p: p.description),
    Column(_("Joined"), lambda p: p.created_at.date()),
    Column(_("Status changed"), lambda p: _local(p.status_changed_at)),
    Column(_("Reason for the status"), lambda p: p.status_reason),
]
MEMBER_COLUMNS = [
    Column(_("E-mail address"), lambda m: m.user.email),
    Column(_("Display name"), lambda m: m.user.display_name),
    Column(_("Role"), lambda m: m.get_role_display()),
    Column(_("Active"), lambda m: _("Yes") if m.is_active else _("No")),
    Column(_("Joined"), lambda m: m.created_at.date()),
    Column(_("Last sign-in"), lambda m: _local(m.user.last_login)),
]
