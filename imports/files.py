"""Reading an uploaded file into rows: CSV (UTF-8, or Shift_JIS as Excel writes it in Japan)
and .xlsx, through django-import-export's formats (tablib; .xlsx through openpyxl).

A row is (line, {canonical column: text}), the line as the person sees it in the file
(the header is line 1). Cells are text: numbers and dates from .xlsx are written back the
way the CSV would carry them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from imports.kinds import KINDS, SHEET_NAMES, ImportFileError, Kind


@dataclass
class Sheet:
    kind: Kind
    rows: list[tuple[int, dict[str, str]]]


def max_bytes() -> int:
    return settings.PRM_IMPORT_MAX_BYTES


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without the BOM), else Shift_JIS (cp932: Excel's "CSV" in Japan)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The file is neither UTF-8 nor Shift_JIS text. Save it from Excel as “CSV UTF-8”, or upload the .xlsx file."
            )
        ) from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(repr(value)).normalize()) if value != int(value) else str(int(value))
    return str(value).strip()


def _sheet(kind: Kind, dataset: tablib.Dataset) -> Sheet:
    headers = [cell_text(h) for h in (dataset.headers or [])]
    columns = kind.columns_for(headers)  # raises ImportFileError through kinds.HeaderError
    rows = []
    for index, values in enumerate(dataset, start=2):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue  # blank lines at the end of a sheet
        rows.append((index, {key: texts[i] for i, key in columns.items() if i < len(texts)}))
    return Sheet(kind=kind, rows=rows)


def read(raw: bytes, filename: str, kind_name: str) -> list[Sheet]:
    """The sheets of the file in the order they are imported (partners before their members and deals)."""
    if len(raw) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it, or import one kind at a time.")
            % {"size": max_bytes() // (1024 * 1024)}
        )
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            if kind_name == "workbook":
                raise ImportFileError(_("A workbook is an .xlsx file; a CSV file holds one kind."))
            dataset = CSV().create_dataset(decode_csv(raw))
            return [_sheet(KINDS[kind_name], dataset)]
        if name.endswith(".xlsx"):
            return _xlsx(raw, kind_name)
    except (tablib.InvalidDimensions, tablib.UnsupportedFormat, ValueError, KeyError, OSError) as exc:
        raise ImportFileError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
    except Exception as exc:  # openpyxl raises its own zip/xml errors for a damaged file
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(_("The file could not be read as an Excel workbook.")) from exc
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _xlsx(raw: bytes, kind_name: str) -> list[Sheet]:
    if kind_name != "workbook":
        return [_sheet(KINDS[kind_name], XLSX().create_dataset(raw))]
    book = tablib.Databook()
    book.load(io.BytesIO(raw), format="xlsx")
    found = {}
    for dataset in book.sheets():
        kind_key = SHEET_NAMES.get((dataset.title or "").strip().lower())
        if kind_key:
            found[kind_key] = _sheet(KINDS[kind_key], dataset)
    if not found:
        raise ImportFileError(
            _(
                "The workbook has no sheet named partners, members, deals, certifications, leads or assets (or 代理店, メンバー, 案件, 認定, 見込み客, コンテンツ)."
            )
        )
    return [found[key] for key in KINDS if key in found]
