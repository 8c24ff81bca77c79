"""Normalised keys for the deal conflict check (stored in indexed columns on save)."""

import re
import unicodedata
from urllib.parse import urlsplit

import jaconv

# Legal-form words and abbreviations, after NFKC and lower-casing (so "（株）" is "(株)").
LEGAL_SUFFIXES = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "(株)",
    "(有)",
    "(同)",
    "㈱",
    "㈲",
    "kabushiki kaisha",
    "kabushikikaisha",
    "corporation",
    "incorporated",
    "company",
    "limited",
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co ltd",
    "pte. ltd.",
    "pte ltd",
    "pty ltd",
    "k.k.",
    "gmbh",
    "corp.",
    "corp",
    "inc.",
    "inc",
    "ltd.",
    "ltd",
    "llc",
    "plc",
    "s.a.",
    "ag",
    "kk",
    "co.",
)
# Longest first, so "co., ltd." wins over "ltd.".
_SUFFIX_RE = re.compile(
    "|".join(
        rf"(?:(?<![a-z0-9]){re.escape(s)}(?![a-z0-9]))" if s.isascii() else re.escape(s)
        for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True)
    )
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def company_key(name: str) -> str:
    """NFKC, lower-case, drop legal suffixes, punctuation and spaces.

    "さくらシステムズ株式会社", "(株)さくら システムズ", "サクラシステムズ" and "ｻｸﾗ..." collapse
    to one key (NFKC for the width, ひらがな to カタカナ); "Acme Inc." and "ACME, Ltd" both become "acme".
    """
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _SUFFIX_RE.sub(" ", text)
    # ひらがな and カタカナ spellings of one name are the same company (さくら / サクラ).
    return jaconv.hira2kata(_NOT_WORD.sub("", text))


def domain_key(value: str) -> str:
    """A bare host name from a domain, URL or e-mail address: lower-case, no "www."."""
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    if "//" not in text:
        text = "//" + text
    try:
        host = (urlsplit(text).hostname or "").strip(".")
    except ValueError:  # "[" or "]" in the host: not a domain (the form says so, no 500)
        return ""
    if host.startswith("www."):
        host = host[4:]
    return host
