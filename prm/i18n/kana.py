"""Readings (フリガナ) of company and people's names, and the あいうえお order built on them.

`suggest_reading(name)` proposes a katakana reading when a form leaves it empty (SudachiPy's
morphological analysis with its core dictionary), without legal-entity words (株式会社, 有限会社, Co., Ltd. ...), so 株式会社あおば reads アオバ and
sorts next to 青葉商事 (アオバショウジ). A reading stays editable: kanji readings are guesses.

Latin-script names keep their spelling as the reading; in lists they come before the kana
names, A–Z (code-point order, which is also あいうえお order for katakana).
"""

import re
import threading
import unicodedata
from functools import lru_cache

import jaconv
from django.db.models.functions import Collate, Upper
from sudachipy import Dictionary, SplitMode

# Legal-entity words and abbreviations (after NFKC: "（株）" is "(株)", "㈱" stays).
LEGAL_WORDS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "(株)",
    "(有)",
    "(同)",
    "㈱",
    "㈲",
    "カブシキガイシャ",
    "ユウゲンガイシャ",
    "ゴウドウガイシャ",
)
LATIN_LEGAL_WORDS = (
    "kabushiki kaisha",
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co ltd",
    "pte. ltd.",
    "pte ltd",
    "pty ltd",
    "corporation",
    "incorporated",
    "limited",
    "k.k.",
    "gmbh",
    "corp.",
    "inc.",
    "ltd.",
    "llc",
    "plc",
    "inc",
    "ltd",
    "corp",
)
_LEGAL_RE = re.compile(
    "|".join(
        [re.escape(w) for w in sorted(LEGAL_WORDS, key=len, reverse=True)]
        + [
            rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])"
            for w in sorted(LATIN_LEGAL_WORDS, key=len, reverse=True)
        ]
    ),
    re.IGNORECASE,
)
_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """NFKC (full-width Latin and digits to half-width, half-width katakana to full-width),
    collapsed spaces. Used for search terms and name matching as well."""
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(text.split())


def strip_legal_words(name: str) -> str:
    text = _LEGAL_RE.sub(" ", normalise(name))
    text = re.sub(r"^[\s,.・]+|[\s,.・]+$", "", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _dictionary():
    """Loaded once per process, on the first reading (memory-mapped)."""
    return Dictionary(dict="core")


_tokenizers = threading.local()  # a Sudachi tokenizer is not shared between threads


def _tokenizer():
    if not hasattr(_tokenizers, "tokenizer"):
        # Mode C: the longest units (青葉商事 as one word), whose dictionary readings are
        # the ones names use (株式会社 is stripped before).
        _tokenizers.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return _tokenizers.tokenizer


def _read(text: str) -> str:
    parts = []
    for morpheme in _tokenizer().tokenize(text):
        reading = morpheme.reading_form()
        # Words the dictionary does not know (kana, Latin letters) read as written.
        parts.append(reading if reading and _KANA_OR_KANJI.search(morpheme.surface()) else morpheme.surface())
    return "".join(parts)


def suggest_reading(name: str) -> str:
    """A katakana reading of a (company or person's) name; Latin-script names as written.
    Words separated by spaces (family and given name) are read apart and stay apart."""
    text = strip_legal_words(name)
    if not text:
        return ""
    if not _KANA_OR_KANJI.search(text):
        return text
    return to_katakana(" ".join(_read(word) for word in text.split()))


def to_katakana(text: str) -> str:
    """A reading as entered (ひらがな, half-width ｶﾀｶﾅ...) in full-width katakana."""
    return jaconv.hira2kata(normalise(text))


def fill_reading(obj, name_field: str, reading_field: str) -> None:
    """On save: suggest the reading when empty, and keep an entered one in katakana."""
    current = getattr(obj, reading_field)
    if current:
        setattr(obj, reading_field, to_katakana(current))
    else:
        setattr(obj, reading_field, suggest_reading(getattr(obj, name_field))[:200])


def sort_key(reading: str) -> str:
    """Python-side order: Latin-script names A–Z first, then kana readings in あいうえお order
    (the code-point order of katakana), as `kana_order` does in the database."""
    return (reading or "").upper()


def kana_order(reading_field: str, *then: str) -> list:
    """order_by() arguments: the reading in code-point order, whatever the database collation
    ("C" exists in every PostgreSQL), upper-cased so Latin names sort A–Z before the kana."""
    return [Collate(Upper(reading_field), "C"), *then]
