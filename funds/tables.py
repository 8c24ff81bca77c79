"""Column definitions of the funds app's tables (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _

from funds.queries import claim_of, spent_on
from prm.exports.columns import Column

CELLS = "funds/staff/cells/"


def _claim(request, attribute, default=""):
    claim = claim_of(request)
    return getattr(claim, attribute, default) if claim is not None else default


def _claim_status(request):
    claim = claim_of(request)
    return claim.get_status_display() if claim is not None else ""


# The staff queue and its CSV: requests with their claim (rows annotated by with_results).
STAFF_REQUEST_COLUMNS = [
    Column(_("ID"), lambda r: r.pk, html=False),
    Column(_("Partner"), lambda r: r.partner.name),
    Column(_("Title"), lambda r: r.title, cell=CELLS + "title.html"),
    Column(_("Activity type"), lambda r: r.get_activity_type_display()),
    Column(_("Dates"), lambda r: r.ends_on, cell=CELLS + "dates.html", csv=False),
    Column(_("Activity starts"), lambda r: r.starts_on, html=False),
    Column(_("Activity ends"), lambda r: r.ends_on, html=False),
    Column(_("Requested (JPY)"), lambda r: int(r.requested_amount), cell=CELLS + "yen.html", css="text-end"),
    Column(_("Approved (JPY)"), lambda r: r.approved_amount, html=False),
    Column(_("Request status"), lambda r: r.get_status_display(), cell=CELLS + "status.html"),
    Column(_("Claim status"), _claim_status, html=False),
    Column(_("Actual cost (JPY)"), lambda r: _claim(r, "actual_cost"), html=False),
    Column(_("Claim approved (JPY)"), lambda r: _claim(r, "approved_amount"), html=False),
    Column(_("Paid on"), lambda r: _claim(r, "paid_on"), html=False),
    Column(_("Decision due"), lambda r: r.due_on, cell=CELLS + "due.html"),
    Column(_("Attributed deals"), lambda r: r.deals, html=False),
    Column(_("Pipeline (JPY)"), lambda r: int(r.pipeline), html=False),
    Column(_("Won revenue (JPY)"), lambda r: int(r.won), html=False),
]

# The partner's own requests (CSV only: the page shows cards).
PARTNER_REQUEST_COLUMNS = [
    Column(_("ID"), lambda r: r.pk),
    Column(_("Title"), lambda r: r.title),
    Column(_("Activity type"), lambda r: r.get_activity_type_display()),
    Column(_("Activity starts"), lambda r: r.starts_on),
    Column(_("Activity ends"), lambda r: r.ends_on),
    Column(_("Requested (JPY)"), lambda r: int(r.requested_amount)),
    Column(_("Approved (JPY)"), lambda r: r.approved_amount),
    Column(_("Request status"), lambda r: r.get_status_display()),
    Column(_("Claim status"), _claim_status),
    Column(_("Actual cost (JPY)"), lambda r: _claim(r, "actual_cost")),
    Column(_("Claim approved (JPY)"), lambda r: _claim(r, "approved_amount")),
    Column(_("Paid on"), lambda r: _claim(r, "paid_on")),
    Column(_("Spent (JPY)"), lambda r: int(spent_on(r))),
    Column(_("Attributed deals"), lambda r: r.deals),
    Column(_("Pipeline (JPY)"), lambda r: int(r.pipeline)),
    Column(_("Won revenue (JPY)"), lambda r: int(r.won)),
]

# Funds of one period per partner (rows carry `roi`: queries.PartnerRoi).
FUND_COLUMNS = [
    Column(_("Partner"), lambda f: f.partner.name, cell=CELLS + "fund_partner.html"),
    Column(_("Tier"), lambda f: str(f.tier or "")),
    Column(_("Allocated (JPY)"), lambda f: int(f.allocated), cell=CELLS + "yen.html", css="text-end"),
    Column(_("Reserved (JPY)"), lambda f: int(f.reserved), cell=CELLS + "yen.html", css="text-end"),
    Column(
        _("Approved claims to pay (JPY)"), lambda f: int(f.committed), cell=CELLS + "yen.html", css="text-end"
    ),
    Column(_("Paid (JPY)"), lambda f: int(f.paid), cell=CELLS + "yen.html", css="text-end"),
    Column(_("Available (JPY)"), lambda f: int(f.available), cell=CELLS + "yen.html", css="text-end"),
    Column(_("Won revenue (JPY)"), lambda f: int(f.roi.won), cell=CELLS + "yen.html", css="text-end"),
    Column(_("Return per yen"), lambda f: f.roi.roi if f.roi.roi is not None else "", css="text-end"),
]
