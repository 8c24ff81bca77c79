"""Column definitions of the partners app's staff tables (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.exports.columns import Column

CELLS = "partners/staff/cells/"

APPLICATION_COLUMNS = [
    Column(
        _("Applied"),
        lambda a: a.created_at.date().isoformat(),
        cell=CELLS + "applied.html",
        sort="created_at",
        css="text-nowrap",
    ),
    Column(_("Company"), lambda a: a.company_name, cell=CELLS + "company.html"),
    Column(_("Domain"), lambda a: a.domain, html=False),
    Column(_("Country"), lambda a: a.country.code),
    Column(_("Partner type"), lambda a: a.get_partner_type_display()),
    Column(_("Source"), lambda a: a.get_source_display(), cell=CELLS + "source.html"),
    Column(_("Referrer"), lambda a: a.referrer_name, html=False),
    Column(_("Fit score"), lambda a: a.fit_score, cell=CELLS + "fit.html", sort="-fit_score", css="text-end"),
    Column(_("Status"), lambda a: a.get_status_display()),
    Column(_("Reviewer"), lambda a: a.reviewer or "", cell=CELLS + "reviewer.html"),
    Column(_("Decided"), lambda a: a.decided_at.date().isoformat() if a.decided_at else "", html=False),
]

PROSPECT_COLUMNS = [
    Column(_("Company"), lambda p: p.name, cell=CELLS + "prospect.html"),
    Column(_("Domain"), lambda p: p.domain, html=False),
    Column(_("Partner type"), lambda p: p.get_partner_type_display()),
    Column(_("Stage"), lambda p: p.get_stage_display()),
    Column(_("Fit score"), lambda p: p.fit_score, cell=CELLS + "fit.html", css="text-end"),
    Column(pgettext_lazy("prospect", "Owner"), lambda p: p.owner.get_full_name() or p.owner.email),
    Column(
        _("Next step"),
        lambda p: f"{p.next_step_on.isoformat()} {p.next_step}".strip() if p.next_step_on else p.next_step,
        cell=CELLS + "next_step.html",
    ),
]
