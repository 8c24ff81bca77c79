"""Column definitions of the finance pages (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _

from prm.exports.columns import Column

CELLS = "payouts/staff/cells/"

PAYOUT_COLUMNS = [
    Column(_("Number"), lambda p: p.number, cell=CELLS + "payout_link.html"),
    Column(_("Partner"), lambda p: p.partner.name),
    Column(_("Month"), lambda p: p.period.strftime("%Y-%m")),
    Column(_("Status"), lambda p: p.get_status_display(), cell=CELLS + "status.html"),
    Column(_("Registration number"), lambda p: p.registration_number, html=False),
    Column(_("Excl. tax (JPY)"), lambda p: p.net_total, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Items at 10% (JPY)"), lambda p: p.net_standard, html=False),
    Column(_("Tax at 10% (JPY)"), lambda p: p.tax_standard, html=False),
    Column(_("Items at 8% (JPY)"), lambda p: p.net_reduced, html=False),
    Column(_("Tax at 8% (JPY)"), lambda p: p.tax_reduced, html=False),
    Column(_("Tax (JPY)"), lambda p: p.tax_total, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Amount paid (JPY)"), lambda p: p.total, cell=CELLS + "yen.html", css="text-end"),
    Column(_("Deductible tax share (%)"), lambda p: p.deductible_percent, html=False),
    Column(_("Transfer file"), lambda p: p.batch_id or "", html=False),
    Column(_("Transferred on"), lambda p: p.paid_on or ""),
]

# Approved earnings on no statement yet (rows: incentives.Earning with statement, program).
UNPAID_COLUMNS = [
    Column(_("Partner"), lambda e: e.statement.partner.name),
    Column(_("Month"), lambda e: e.statement.period.strftime("%Y-%m")),
    Column(_("Program"), lambda e: e.program.name),
    Column(_("Kind"), lambda e: e.program.get_kind_display()),
    Column(_("Excl. tax (JPY)"), lambda e: e.amount, cell=CELLS + "yen.html", css="text-end"),
]

# Approved MDF claims on no statement yet (rows: funds.Claim with request).
UNPAID_CLAIM_COLUMNS = [
    Column(_("Partner"), lambda c: c.partner.name),
    Column(_("Approved"), lambda c: c.approved_at.date()),
    Column(_("Description"), lambda c: c.description),
    Column(_("Excl. tax (JPY)"), lambda c: c.approved_amount, cell=CELLS + "yen.html", css="text-end"),
]

# The partner's payee profile in its offboarding export (privacy_sections).
PAYEE_EXPORT_COLUMNS = [
    Column(_("Legal name"), lambda p: p.legal_name),
    Column(_("Invoice registration number"), lambda p: p.registration_number),
    Column(_("Bank code"), lambda p: p.bank_code),
    Column(_("Branch code"), lambda p: p.branch_code),
    Column(_("Account type"), lambda p: p.get_account_type_display()),
    Column(_("Account number"), lambda p: p.account_number),
    Column(_("Account holder"), lambda p: p.account_holder_kana),
    Column(_("Status"), lambda p: p.get_status_display()),
]
