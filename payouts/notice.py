"""The payment notice (支払通知書) as a PDF, drawn with reportlab in Japanese or English.

Written to serve as a 仕入明細書 under the invoice system (消費税法第30条第9項第3号): it names
its issuer (the vendor), the partner and its registration number, the dates of the
transactions, what was bought (a reduced-rate item marked ※), the totals and the tax per
rate, and asks the partner to object within a period if anything is wrong (the partner's
confirmation the law requires). Text is drawn as text (pypdf can read it back), in the CID
font HeiseiKakuGo-W5 that reportlab ships for Japanese: no font file, no network.
"""

from io import BytesIO

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from payouts import invoice
from payouts.models import PayeeProfile, Payout

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
LEFT, RIGHT, TOP, BOTTOM = 20 * mm, A4[0] - 20 * mm, A4[1] - 20 * mm, 20 * mm


def yen(value) -> str:
    return "¥" + formats.number_format(value, 0, force_grouping=True)


def _fit(text: str, width: float, size: float) -> str:
    """The text cut to fit `width` (names and descriptions are the partner's own words)."""
    text = " ".join(str(text).split())
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while len(text) > 1 and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for ch in " ".join(str(text).split()):
        if pdfmetrics.stringWidth(line + ch, FONT, size) <= width:
            line += ch
            continue
        cut = line.rfind(" ")
        if cut > 0 and ch != " ":
            lines.append(line[:cut])
            line = line[cut + 1 :] + ch
        else:
            lines.append(line.rstrip())
            line = ch.strip()
    return [*lines, line] if line else lines


class Page:
    def __init__(self, pdf: canvas.Canvas):
        self.pdf, self.y = pdf, TOP

    def text(self, text: str, *, size: float = 9, x: float = LEFT, right: bool = False, width: float = 0):
        self.pdf.setFont(FONT, size)
        # Right-aligned text ends at x: it may use the line up to the left margin.
        text = _fit(text, width or ((x - LEFT) if right else (RIGHT - x)), size)
        if right:
            self.pdf.drawRightString(x, self.y, text)
        else:
            self.pdf.drawString(x, self.y, text)

    def paragraph(self, text: str, *, size: float = 8.5):
        """Wrapped to the page: at a space where there is one (English), else anywhere (Japanese)."""
        for line in wrap(text, RIGHT - LEFT, size):
            self.text(line, size=size)
            self.down(4.5 * mm)

    def down(self, step: float = 5.5 * mm):
        self.y -= step
        if self.y < BOTTOM:
            self.pdf.showPage()
            self.y = TOP

    def rule(self):
        self.pdf.line(LEFT, self.y + 3.5 * mm, RIGHT, self.y + 3.5 * mm)


def render(payout: Payout, *, language: str) -> bytes:
    buffer = BytesIO()
    with translation.override(language):
        pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
        pdf.setTitle(_("Payment notice") + f" {payout.number}")
        pdf.setAuthor(issuer_name())
        _draw(Page(pdf), payout)
        pdf.save()
    return buffer.getvalue()


def issuer_name() -> str:
    return settings.PRM_PAYOUT_ISSUER_NAME or _("The vendor")


def _draw(page: Page, payout: Payout) -> None:
    page.text(_("Payment notice (purchase statement)"), size=16)
    page.text(_("No. %(number)s") % {"number": payout.number}, x=RIGHT, right=True)
    page.down(10 * mm)
    _parties(page, payout)
    _lines(page, payout)
    _totals(page, payout)
    _notes(page, payout)


def _parties(page: Page, payout: Payout) -> None:
    page.text(_("To: %(name)s") % {"name": payout.legal_name}, size=12, width=95 * mm)
    page.text(_("Issued by: %(name)s") % {"name": issuer_name()}, x=120 * mm)
    page.down()
    if payout.registration_number:
        page.text(_("Registration number: %(number)s") % {"number": payout.registration_number})
    else:
        page.text(_("Registration number: none (not a qualified invoice issuer)"))
    if settings.PRM_PAYOUT_ISSUER_REGISTRATION_NUMBER:
        page.text(
            _("Registration number: %(number)s") % {"number": settings.PRM_PAYOUT_ISSUER_REGISTRATION_NUMBER},
            x=120 * mm,
        )
    page.down()
    issued = formats.date_format(payout.approved_at or payout.created_at, "DATE_FORMAT")
    page.text(_("Issued on: %(date)s") % {"date": issued})
    page.text(
        _("Period: %(month)s") % {"month": formats.date_format(payout.period, "YEAR_MONTH_FORMAT")},
        x=120 * mm,
    )
    page.down()
    if payout.paid_on:
        page.text(
            _("Transferred on: %(date)s") % {"date": formats.date_format(payout.paid_on, "DATE_FORMAT")}
        )
        page.down()
    page.down(4 * mm)
    page.paragraph(
        _("We have recorded the following purchases from you and will pay (or have paid) the amount below."),
        size=9,
    )
    page.down(4 * mm)


def _lines(page: Page, payout: Payout) -> None:
    def head():
        page.text(_("Date"))
        page.text(_("Description"), x=LEFT + 28 * mm)
        page.text(_("Tax rate"), x=RIGHT - 35 * mm, right=True)
        page.text(_("Amount excl. tax"), x=RIGHT, right=True)
        page.down()
        page.rule()

    head()
    for line in payout.lines.all():
        page.text(formats.date_format(line.transaction_date, "SHORT_DATE_FORMAT"))
        mark = "※ " if line.reduced else ""
        page.text(
            mark
            + _("%(kind)s: %(description)s")
            % {"kind": line.get_kind_display(), "description": line.description},
            x=LEFT + 28 * mm,
            width=RIGHT - 75 * mm - LEFT,
        )
        page.text(f"{line.rate}%", x=RIGHT - 35 * mm, right=True)
        page.text(yen(line.amount), x=RIGHT, right=True)
        before = page.y
        page.down()
        if page.y > before:  # a new page: repeat the column heads
            head()
    page.rule()
    page.down(4 * mm)


def _totals(page: Page, payout: Payout) -> None:
    rows = [(invoice.STANDARD, payout.net_standard, payout.tax_standard)]
    if payout.net_reduced:
        rows.append((invoice.REDUCED, payout.net_reduced, payout.tax_reduced))
    for rate, net, tax in rows:
        label = _("%(rate)s%% items") % {"rate": rate}
        if rate == invoice.REDUCED:
            label = "※ " + label + " " + _("(reduced rate)")
        page.text(label)
        page.text(_("excl. tax %(amount)s") % {"amount": yen(net)}, x=RIGHT - 80 * mm, right=True)
        page.text(_("tax %(amount)s") % {"amount": yen(tax)}, x=RIGHT - 40 * mm, right=True)
        page.text(_("incl. tax %(amount)s") % {"amount": yen(net + tax)}, x=RIGHT, right=True)
        page.down()
    page.down(2 * mm)
    page.text(
        _("Total excl. tax %(amount)s") % {"amount": yen(payout.net_total)}, x=RIGHT - 80 * mm, right=True
    )
    page.text(_("Tax %(amount)s") % {"amount": yen(payout.tax_total)}, x=RIGHT - 40 * mm, right=True)
    page.down()
    page.text(
        _("Amount paid (incl. tax): %(amount)s") % {"amount": yen(payout.total)}, size=12, x=RIGHT, right=True
    )
    page.down(10 * mm)


def _notes(page: Page, payout: Payout) -> None:
    notes = [
        _("Consumption tax is computed once per rate on the total of that rate and rounded down to the yen."),
    ]
    if payout.net_reduced:
        notes.append(_("※ marks items taxed at the reduced rate."))
    if not payout.registration_number:
        notes.append(
            _(
                "You are not a registered invoice issuer: we deduct %(percent)s%% of this tax under the "
                "transitional measure and pay you the same amount."
            )
            % {"percent": payout.deductible_percent}
        )
    profile = PayeeProfile.objects.filter(partner_id=payout.partner_id).first()
    if profile is not None:
        notes.append(
            _("Paid to: bank %(bank)s, branch %(branch)s, account %(account)s")
            % {
                "bank": profile.bank_code,
                "branch": profile.branch_code,
                "account": profile.account_number_masked,
            }
        )
    notes.append(
        _(
            "If anything in this notice is wrong, please tell us within %(days)s days of its date. "
            "Without word from you by then, we take its contents as confirmed."
        )
        % {"days": settings.PRM_PAYOUT_OBJECTION_DAYS}
    )
    for note in notes:
        page.paragraph(note)
