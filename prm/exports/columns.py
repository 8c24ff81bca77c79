"""One column definition per staff table, driving both the HTML table and the CSV export.

    COLUMNS = [
        Column(_("Company"), lambda a: a.company_name, cell="partners/staff/cells/company.html"),
        Column(_("Domain"), lambda a: a.domain, html=False),   # CSV only
    ]
    csv_export("applications", COLUMNS, rows)                 # prm.exports.streaming writes the CSV
    {% for column in columns %}<th>{{ column.label }}</th>{% endfor %}
    {% for column in columns %}<td>{% cell column row %}</td>{% endfor %}   (prm_tags)

`value(row)` is the plain value (the CSV cell, and the HTML cell unless `cell` names a
template, rendered with `row` and `value` in the page's context).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prm.exports.streaming import csv_response


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    cell: str = ""
    sort: str = ""  # ordering key: the header links to ?sort=<key>
    html: bool = True
    csv: bool = True
    css: str = ""


def html_columns(columns: list[Column]) -> list[Column]:
    return [c for c in columns if c.html]


def csv_export(filename: str, columns: list[Column], rows: Iterable, *, request=None, count=None):
    """The CSV of `rows`, streamed; with `request` and `count` (a queryset or a number),
    a background export above EXPORT_BACKGROUND_ROWS (prm.exports.streaming)."""
    exported = [c for c in columns if c.csv]
    return csv_response(
        filename,
        [c.label for c in exported],
        ([c.value(r) for c in exported] for r in rows),
        request=request,
        count=count,
    )
