"""Formats (docs/glossary.md): JPY without decimals, 万円 short forms, dates by context."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from prm.i18n.formats import date_long, date_short, yen, yen_short
from prm.i18n.kana import normalise


def test_yen_has_no_decimals():
    assert yen(Decimal("1200000.00")) == "¥1,200,000"
    assert yen(0) == "¥0"


@pytest.mark.parametrize(
    ("amount", "ja", "en"),
    [
        (3_200_000, "320万円", "3.2M JPY"),
        (35_000, "3.5万円", "35K JPY"),
        (12_345_678, "1,235万円", "12.3M JPY"),
        (150_000_000, "1.5億円", "150M JPY"),
        (9_800, "9,800円", "9.8K JPY"),
    ],
)
def test_short_amounts_in_both_languages(amount, ja, en):
    with translation.override("ja"):
        assert yen_short(amount) == ja
    with translation.override("en"):
        assert yen_short(amount) == en


def test_dates_by_context():
    day = date(2026, 11, 28)
    with translation.override("ja"):
        assert date_long(day) == "2026年11月28日"
        assert date_short(day) == "2026/11/28"
    with translation.override("en"):
        assert date_long(day) == "Nov. 28, 2026"


def test_search_terms_are_width_normalised():
    assert normalise("ＣＲＭ　スイート") == "CRM スイート"
    assert normalise("ｻｸﾗ") == "サクラ"
