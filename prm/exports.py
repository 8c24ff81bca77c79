import csv

from django.http import HttpResponse
from django.utils import timezone


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV download in UTF-8 with a BOM, so Excel in Japan opens it correctly."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return response
