"""Benchmark: a bulk import (imports app) of N partners, 3N members and 5N deals.

Makes the sample workbook (devtools.import_sample) with its deliberate errors and without,
then times on the development database, inside one transaction rolled back at the end:
reading the .xlsx, the dry run of the file with errors, its refused import (nothing
written), the dry run and the import of the corrected file, and its re-import (nothing
changes). Checks the outcomes against the deliberate errors and prints the figures.

    .venv/bin/python bench/import_bench.py [--partners 1000] [--tiny]

`--tiny` (seconds) is what `.ci/run` runs, so a schema change that breaks the import fails CI.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
from devtools.servers import use_embedded_servers

use_embedded_servers()
import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from devtools.import_sample import workbook  # noqa: E402
from imports.files import read  # noqa: E402
from imports.services import import_rows  # noqa: E402
from incentives.models import Product  # noqa: E402
from prm.models import User  # noqa: E402


class Rollback(Exception):
    pass


def timed(label: str, call):
    start = time.perf_counter()
    result = call()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def errors(result) -> set:
    return {(r["sheet"], r["line"]) for r in result["rows"] if r["action"] == "error"}


def run(partners: int) -> None:
    Product.objects.get_or_create(code="bench-import", defaults={"name": "Bench import"})
    user = User.objects.create_superuser(email="bench-import@example.test", password=None)
    bad = timed(
        "make the workbook with errors", lambda: workbook(partners, product="bench-import", prefix="B")
    )
    good = timed(
        "make the corrected workbook",
        lambda: workbook(partners, product="bench-import", errors=False, prefix="B"),
    )
    rows = sum(good.rows.values())
    print(
        f"{partners:,} partners, {rows:,} rows, {len(bad.errors):,} deliberate errors, {len(good.content) / 1e6:.1f} MB"
    )
    sheets = timed("read the .xlsx", lambda: read(bad.content, "bad.xlsx", "workbook"))
    dry = timed("dry run with errors", lambda: import_rows(sheets, user, commit=False))
    assert errors(dry) == bad.errors, "the dry run must find exactly the deliberate errors"
    refused = timed(
        "import with errors (refused, nothing written)", lambda: import_rows(sheets, user, commit=True)
    )
    assert not refused["written"] and errors(refused) == bad.errors
    sheets = read(good.content, "good.xlsx", "workbook")
    dry = timed("dry run of the corrected file", lambda: import_rows(sheets, user, commit=False))
    done = timed("import of the corrected file", lambda: import_rows(sheets, user, commit=True))
    assert done["written"] and done["counts"]["new"] == rows and done["rows"] == dry["rows"]
    again = timed("re-import (nothing changes)", lambda: import_rows(sheets, user, commit=True))
    assert again["counts"]["skip"] == rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--tiny", action="store_true", help="20 partners (CI)")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            run(20 if args.tiny else args.partners)
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
