"""CSV downloads: streamed row by row, or written by a worker when they are large.

`csv_response(filename, header, rows, request=..., count=qs)` answers with a
StreamingHttpResponse (UTF-8 with a BOM, so Excel in Japan opens it correctly): rows are
written as the client reads them, so memory stays flat whatever the size. When `count`
(a queryset, or a number) is above EXPORT_BACKGROUND_ROWS, the request instead starts an
ExportJob (prm.exports.jobs) and redirects to its page: a worker calls the same view again
(same checks, same filters) and writes the file to the private storage.

Big querysets are read with `stream_rows(qs)`: a server-side cursor inside a transaction,
which fetches a chunk at a time even behind PgBouncer in transaction mode (where Django's
own `.iterator()` must be told DISABLE_SERVER_SIDE_CURSORS and then reads everything).
"""

import csv
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from prm.exports import jobs

# A cell starting with one of these is a formula in Excel/LibreOffice/Sheets
# (=HYPERLINK(...), +cmd|..., @SUM, a tab or CR that is trimmed before one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


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


def stream_rows(qs, chunk_size: int = CHUNK_ROWS):
    """The rows of `qs`, fetched `chunk_size` at a time from a cursor that lives in one
    transaction (so it stays on one server connection behind PgBouncer). Django's public
    `iterator()` would read the whole result into memory when server-side cursors are
    disabled; `_iterator(use_chunked_fetch=True)` is the same code path with the cursor
    forced on, which is safe here because the transaction holds it."""
    with transaction.atomic(using=qs.db):
        yield from qs._iterator(use_chunked_fetch=True, chunk_size=chunk_size)


class _Line:
    """csv.writer's file: hands back each written line instead of storing it."""

    def write(self, value):
        return value


def csv_lines(header: list, rows, *, progress=None):
    """The CSV as encoded chunks: the BOM and header, then one line per row."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([safe_cell(h) for h in header])).encode()
    written = 0
    for row in rows:
        written += 1
        if progress is not None and written % 500 == 0:
            progress(written)
        yield writer.writerow([safe_cell(v) for v in row]).encode()
    if progress is not None:
        progress(written)


def csv_response(filename: str, header: list, rows, *, request=None, count=None):
    """A CSV download (see the module's docstring). Pass `request` and `count` for exports
    whose size grows with the data: above EXPORT_BACKGROUND_ROWS they run in the background."""
    job = getattr(request, "export_job", None)
    if request is not None and job is None and count is not None:
        total = count if isinstance(count, int) else count.count()
        if total > settings.PRM_EXPORT_BACKGROUND_ROWS:
            return jobs.export_job_start(request=request, name=filename, total=total)
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(
        csv_lines(header, rows, progress=job.progress if job is not None else None),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response
