"""The Japanese catalogues, checked against each other and against docs/glossary.md.

Django merges every app's catalogue into one, so the same msgid (without context) must have
the same translation everywhere; a word that needs different translations gets a context
(pgettext / {% translate ... context ... %}).
"""

import ast
import gettext
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for p in [ROOT / "locale/ja/LC_MESSAGES/django.po", *ROOT.glob("*/locale/ja/LC_MESSAGES/django.po")]
    if p.exists()
)
JA = r"[\u3040-\u30ff\u4e00-\u9fff]"


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file (obsolete ones skipped): ctxt, id, plural, strs, fuzzy."""
    entries, cur, key, fuzzy = [], None, None, False

    def finish():
        nonlocal cur
        if cur is not None and cur["id"] is not None:
            entries.append(cur)
        cur = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            fuzzy = False
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if m:
            kw, val = m.group(1), ast.literal_eval(m.group(2))
            if kw == "msgctxt" or (kw == "msgid" and cur is not None and cur["id"] is not None):
                finish()
            if cur is None:
                cur = {"ctxt": None, "id": None, "plural": None, "strs": [], "fuzzy": fuzzy}
            if kw == "msgctxt":
                cur["ctxt"], key = val, "ctxt"
            elif kw == "msgid":
                cur["id"], key = val, "id"
            elif kw == "msgid_plural":
                cur["plural"], key = val, "plural"
            else:
                cur["strs"].append(val)
                key = "strs"
        elif line.startswith('"'):
            val = ast.literal_eval(line)
            if key == "strs":
                cur["strs"][-1] += val
            else:
                cur[key] += val
    finish()
    return [e for e in entries if e["id"] != ""]  # the header


def _name(path: Path) -> str:
    rel = str(path.relative_to(ROOT))
    return rel.split("/locale/")[0] if "/locale/" in rel else "root"


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 6


def test_no_catalogue_has_untranslated_or_fuzzy_entries():
    problems = [
        f"{_name(path)}: {'fuzzy' if e['fuzzy'] else 'untranslated'} {e['id'][:60]!r}"
        for path in CATALOGUES
        for e in parse_po(path)
        if e["fuzzy"] or not e["strs"] or not all(e["strs"])
    ]
    assert problems == []


def test_the_same_msgid_has_the_same_translation_in_every_catalogue():
    seen = defaultdict(dict)
    for path in CATALOGUES:
        for e in parse_po(path):
            seen[(e["ctxt"], e["id"], e["plural"])][_name(path)] = tuple(e["strs"])
    conflicts = {
        f"{ctxt + ':' if ctxt else ''}{msgid}": by_catalogue
        for (ctxt, msgid, _plural), by_catalogue in seen.items()
        if len(set(by_catalogue.values())) > 1
    }
    assert conflicts == {}


def test_the_glossary_is_applied():
    """deal = 案件 (never 商談), 貴社 (never 御社), tier = ティア, full-width colon after Japanese."""
    problems = []
    for path in CATALOGUES:
        for e in parse_po(path):
            for text in e["strs"]:
                for rule, bad in (
                    ("deal = 案件", "商談" in text),
                    ("貴社, not 御社", "御社" in text),
                    ("tier = ティア", "レベル" in text and "サポートレベル" not in text),
                    ("full-width colon", re.search(rf"{JA}\s*:(\s|$)", text) is not None),
                    ("full-width brackets", re.search(rf"(?<!%)\([^()]*{JA}[^()]*\)", text) is not None),
                ):
                    if bad:
                        problems.append(f"{_name(path)} [{rule}]: {text[:60]}")
    assert problems == []


def test_every_catalogue_is_compiled():
    stale = []
    for path in CATALOGUES:
        with path.with_suffix(".mo").open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)
        for e in parse_po(path):
            if e["plural"] is not None:
                continue
            key = f"{e['ctxt']}\x04{e['id']}" if e["ctxt"] else e["id"]
            if compiled._catalog.get(key) != e["strs"][0]:
                stale.append(f"{_name(path)}: {e['id'][:60]!r}")
    assert stale == []
