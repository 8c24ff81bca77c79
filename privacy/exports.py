"""The partner data export: one ZIP, one CSV per registered section (privacy.registry), in
UTF-8 with a BOM (Excel in Japan) and formula-safe cells (prm.exports.streaming.safe_cell), plus an
index of the sections and their row counts. Streamed row by row into a temporary file, so a
large partner never sits in memory."""

import csv
import io
import secrets
import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from privacy import registry
from prm.exports.streaming import safe_cell


def _write_csv(zf: zipfile.ZipFile, name: str, header: list, rows) -> int:
    count = 0
    with zf.open(name, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
        text.flush()
        text.detach()
    return count


def build_zip(partner, *, language: str = "ja") -> tuple[str, File, int]:
    """(file name, file, total rows) of everything the registered sections hold about `partner`."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (handed to storage, closed with the File)
    index, total = [], 0
    with translation.override(language), zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for section in registry.export_sections():
            columns = [c for c in section.columns if c.csv]
            count = _write_csv(
                zf,
                f"{section.key}.csv",
                [str(c.label) for c in columns],
                ([c.value(row) for c in columns] for row in section.rows(partner)),
            )
            index.append([f"{section.key}.csv", str(section.label), count])
            total += count
        _write_csv(zf, "index.csv", [_("File"), _("Contents"), _("Rows")], index)
    tmp.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"partner-{partner.pk}-{stamp}-{secrets.token_hex(4)}.zip"
    return name, File(tmp, name=name), total
