"""Downloadable templates: each kind's headers (Japanese or English) and example rows, as
CSV (UTF-8 with BOM, as Excel reads it) or .xlsx (the workbook: one sheet per kind)."""

import tablib

from imports.kinds import KINDS, Kind
from incentives.models import Product
from training.models import Certification

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dataset(kind: Kind, language: str) -> tablib.Dataset:
    product = Product.objects.filter(is_active=True).order_by("code").values_list("code", flat=True).first()
    certification = Certification.objects.order_by("slug").values_list("slug", flat=True).first()
    dataset = tablib.Dataset(
        headers=kind.headers(language), title=kind.sheet_ja if language == "ja" else kind.key
    )
    for example in kind.examples:
        values = {
            **example,
            "product": example.get("product") or product or "PRODUCT-CODE",
            "certification": example.get("certification") or certification or "CERTIFICATION",
        }
        dataset.append([values.get(c.key, "") for c in kind.columns])
    return dataset


def template_file(kind_key: str, language: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name)."""
    name = f"import-{kind_key}-{language}.{fmt}"
    if fmt == "csv":
        text = _dataset(KINDS[kind_key], language).export("csv")
        return ("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8", name
    # The workbook has a sheet for every kind, in the order they are imported.
    kinds = list(KINDS.values()) if kind_key == "workbook" else [KINDS[kind_key]]
    book = tablib.Databook([_dataset(kind, language) for kind in kinds])
    return book.export("xlsx"), XLSX_TYPE, name
