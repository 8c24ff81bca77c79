"""Column definitions of the partners app's staff tables (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _

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
