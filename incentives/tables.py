"""Column definitions of the incentives app's staff tables (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.exports.columns import Column

CELLS = "incentives/staff/cells/"

# Rows carry `age_days` and `overdue` (set by the view).
STAFF_DEAL_COLUMNS = [
    Column(_("ID"), lambda d: d.pk, html=False),
    Column(_("Partner"), lambda d: d.partner.name),
    Column(_("Customer"), lambda d: d.customer_company, cell=CELLS + "customer.html"),
    Column(_("Domain"), lambda d: d.customer_domain, html=False),
    Column(_("Product"), lambda d: d.product.label),
    Column(_("Amount"), lambda d: d.amount, cell=CELLS + "amount.html", css="text-end"),
    Column(_("Currency"), lambda d: d.currency, html=False),
    Column(_("Approved amount"), lambda d: d.approved_amount, html=False),
    Column(_("Stage"), lambda d: d.get_stage_display(), html=False),
    Column(_("Counted (JPY)"), lambda d: d.counted_amount_jpy, html=False),
    Column(_("Review status"), lambda d: d.get_status_display(), cell=CELLS + "status.html"),
    Column(
        _("Possible conflict"),
        lambda d: _("Yes") if d.has_conflict else _("No"),
        cell=CELLS + "conflict.html",
    ),
    Column(_("Waiting (days)"), lambda d: d.age_days, cell=CELLS + "waiting.html"),
    Column(_("Registered"), lambda d: d.created_at.date(), cell=CELLS + "registered.html", css="small"),
]

# The partner's own deals (CSV only: the portal list is a card-style table of its own).
DEAL_COLUMNS = [
    Column(_("ID"), lambda d: d.pk),
    Column(_("Customer"), lambda d: d.customer_company),
    Column(_("Domain"), lambda d: d.customer_domain),
    Column(_("Product"), lambda d: d.product.label),
    Column(_("Amount"), lambda d: d.amount),
    Column(_("Currency"), lambda d: d.currency),
    Column(_("Approved amount"), lambda d: d.approved_amount),
    Column(_("Stage"), lambda d: d.get_stage_display()),
    Column(_("Counted (JPY)"), lambda d: d.counted_amount_jpy),
    Column(_("Review status"), lambda d: d.get_status_display()),
    Column(_("Protected until"), lambda d: d.protected_until or ""),
    Column(_("Expected close"), lambda d: d.expected_close_date),
    Column(_("Registered"), lambda d: d.created_at.date()),
]

# The staff tier overview's exports (rows from incentives.queries.tier_overview / tier_changes).
TIER_DISTRIBUTION_COLUMNS = [
    Column(_("Tier"), lambda r: r[0].label if r[0] else _("No tier yet")),
    Column(pgettext_lazy("count", "Partners"), lambda r: r[1]),
]
TIER_MOVEMENT_COLUMNS = [
    Column(_("Month"), lambda r: r["month"].strftime("%Y-%m"), cell=CELLS + "month.html"),
    Column(_("Upgrades"), lambda r: r["upgrades"], css="text-end"),
    Column(_("Downgrades"), lambda r: r["downgrades"], css="text-end"),
    Column(_("Pending downgrades"), lambda r: r["pending"], css="text-end"),
    Column(_("Initial"), lambda r: r["initial"], css="text-end"),
]
TIER_CHANGE_COLUMNS = [
    Column(_("Date"), lambda c: c.effective_on),
    Column(_("Partner"), lambda c: c.partner.name),
    Column(_("Change"), lambda c: c.get_kind_display()),
    Column(pgettext_lazy("tier change", "From"), lambda c: c.from_tier.label if c.from_tier else ""),
    Column(pgettext_lazy("tier change", "To"), lambda c: c.to_tier.label if c.to_tier else ""),
    Column(_("Metrics before"), lambda c: c.metrics_before),
    Column(_("Metrics after"), lambda c: c.metrics_after),
]
PROGRAM_COST_COLUMNS = [
    Column(_("Program"), lambda c: c["name"]),
    Column(_("Kind"), lambda c: c["kind"], css="small"),
    Column(pgettext_lazy("count", "Partners"), lambda c: c["partners"], css="text-end"),
    Column(_("Draft"), lambda c: c["draft"] or 0, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Approved"), lambda c: c["approved"] or 0, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Paid"), lambda c: c["paid"] or 0, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Total (JPY)"), lambda c: c["total"] or 0, cell=CELLS + "yen.html", css="text-end"),
]


def _earned_for(e) -> str:
    """What an earning line is for: the deal's customer, or the tier it was paid for."""
    if e.deal:
        return e.deal.customer_company
    return e.tier_change.to_tier.label if e.tier_change else ""


# The partner's statement lines (rows: Earning with program, deal and tier_change__to_tier).
STATEMENT_LINE_COLUMNS = [
    Column(_("Program"), lambda e: e.program.label),
    Column(_("Kind"), lambda e: e.program.get_kind_display()),
    Column(_("Deal"), _earned_for),
    Column(_("Basis (JPY)"), lambda e: e.basis),
    Column(_("Amount (JPY)"), lambda e: e.amount),
]
# Every earning of the partner (rows as above, with statement).
EARNING_COLUMNS = [
    Column(pgettext_lazy("statement", "Period"), lambda e: e.statement.period.strftime("%Y-%m")),
    Column(_("Status"), lambda e: e.statement.get_status_display()),
    *STATEMENT_LINE_COLUMNS[:2],
    Column(_("For"), _earned_for),
    *STATEMENT_LINE_COLUMNS[3:],
]

# The offboarding export's deal file (privacy.registry): every field, the customer contact
# included (it is the partner's own data).
DEAL_EXPORT_COLUMNS = [
    *DEAL_COLUMNS[:4],
    Column(_("Contact name"), lambda d: d.contact_name),
    Column(_("Contact e-mail"), lambda d: d.contact_email),
    Column(_("Contact phone"), lambda d: d.contact_phone),
    *DEAL_COLUMNS[4:],
    Column(_("Closed on"), lambda d: d.closed_on or ""),
    Column(_("Reason lost"), lambda d: d.lost_reason),
    Column(_("Notes"), lambda d: d.notes),
    Column(_("Registered by"), lambda d: d.registered_by.email if d.registered_by else ""),
    Column(
        _("Contact anonymised"), lambda d: d.contacts_anonymised_at.date() if d.contacts_anonymised_at else ""
    ),
]
