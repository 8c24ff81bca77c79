"""A bulk-import workbook of N partners, 3N members and 5N deals (imports app), with
deliberate errors in known rows: the scale test and bench/import_bench.py check that the
dry run finds exactly these.

    .venv/bin/python -m devtools.import_sample 1000 --errors > sample.xlsx   (or use `workbook()`)

Errors (when `errors`): every 97th partner has a `javascript:` website, every 89th a name
that is a spreadsheet formula; the members and deals of those partners are errors too (their
partner is not created). Every 101st member has a bad e-mail, every 103rd names a partner
that does not exist; every 107th deal has a negative amount, every 109th a won stage (a new
registration must be open), every 113th an unknown product code."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import tablib

from imports.kinds import DEALS, MEMBERS, PARTNERS

TYPES = ("sales", "delivery", "solution")


@dataclass
class Sample:
    content: bytes
    # {(sheet, line)} of the rows that must come out as errors.
    errors: set[tuple[str, int]] = field(default_factory=set)
    rows: dict[str, int] = field(default_factory=dict)


def _partner_error(i: int) -> str:
    if i % 97 == 5:
        return "website"
    if i % 89 == 7:
        return "name"
    return ""


def workbook(n: int, *, product: str, errors: bool = True, prefix: str = "S", language: str = "en") -> Sample:
    sample = Sample(content=b"")
    partners = tablib.Dataset(headers=PARTNERS.headers(language), title="partners")
    members = tablib.Dataset(headers=MEMBERS.headers(language), title="members")
    deals = tablib.Dataset(headers=DEALS.headers(language), title="deals")
    bad_partners = set()
    for i in range(n):
        pid = f"{prefix}P{i:05d}"
        kind = _partner_error(i) if errors else ""
        if kind:
            bad_partners.add(pid)
            sample.errors.add(("partners", i + 2))
        partners.append(
            [
                pid,
                '=HYPERLINK("http://x")' if kind == "name" else f"サンプル商事{i}株式会社",
                "",
                TYPES[i % 3],
                "JP",
                "javascript:alert(1)" if kind == "website" else f"https://p{i}.example.jp",
                "",
                "",
                "",
            ]
        )
    for j in range(3 * n):
        pid = f"{prefix}P{j // 3:05d}"
        email = f"person{j}@p{j // 3}.example.jp"
        if errors and j % 101 == 11:
            email = "not-an-email"
        if errors and j % 103 == 13:
            pid = f"{prefix}MISSING{j}"
        if errors and (pid in bad_partners or j % 101 == 11 or j % 103 == 13):
            sample.errors.add(("members", j + 2))
        members.append([pid, email, "admin" if j % 3 == 0 else "member", "ja" if j % 2 else "en"])
    for k in range(5 * n):
        pid = f"{prefix}P{k // 5:05d}"
        amount, stage, code = str(100000 + k * 10), "qualifying", product
        if errors and k % 107 == 17:
            amount = "-5000"
        if errors and k % 109 == 19:
            stage = "won"
        if errors and k % 113 == 23:
            code = "no-such-product"
        if errors and (pid in bad_partners or k % 107 == 17 or k % 109 == 19 or k % 113 == 23):
            sample.errors.add(("deals", k + 2))
        deals.append(
            [
                pid,
                f"{prefix}D{k:06d}",
                f"顧客{k}株式会社",
                "",
                f"customer{k}.example.jp",
                f"担当 {k}",
                f"buyer{k}@customer{k}.example.jp",
                "",
                "yes",
                code,
                amount,
                "JPY",
                "2027-03-31",
                stage,
                "",
            ]
        )
    sample.rows = {"partners": n, "members": 3 * n, "deals": 5 * n}
    sample.content = tablib.Databook([partners, members, deals]).export("xlsx")
    return sample


if __name__ == "__main__":  # pragma: no cover - a command-line convenience
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    sys.stdout.buffer.write(workbook(size, product="sample", errors="--errors" in sys.argv).content)
