import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# A cell starting with one of these is a formula in Excel/LibreOffice/Sheets
# (=HYPERLINK(...), +cmd|..., @SUM, a tab or CR that is trimmed before one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The text of one CSV cell, neutralised (OWASP): a leading formula character gets an
    apostrophe in front so that spreadsheets show it as text. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV download in UTF-8 with a BOM, so Excel in Japan opens it correctly."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response
