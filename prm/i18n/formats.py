"""Money and date formats for both languages (docs/glossary.md).

- JPY never shows decimals: `yen(1200000)` is "¥1,200,000".
- Short amounts (KPI tiles, charts): `yen_short` gives "320万円", "1,235万円", "1.2億円" in
  Japanese and "3.2M JPY" in English.
- Dates: `date_long` for sentences and e-mails (2026年11月28日 / Nov. 28, 2026), `date_short`
  for tables (2026/11/28); templates use |date:"DATE_FORMAT" and |date:"SHORT_DATE_FORMAT".
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.formats import date_format


def _dec(amount) -> Decimal:
    return Decimal(str(amount or 0))


def yen(amount) -> str:
    return f"¥{_dec(amount).quantize(Decimal(1), ROUND_HALF_UP):,f}"


def _short(value: Decimal) -> str:
    """One decimal below 100 (3.5), whole numbers with separators above (1,235)."""
    if value < 100:
        return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f}"
    return f"{value.quantize(Decimal(1), ROUND_HALF_UP):,f}"


def yen_short(amount) -> str:
    amount = _dec(amount)
    if (translation.get_language() or "").startswith("ja"):
        if amount >= 100_000_000:
            return f"{_short(amount / 100_000_000)}億円"
        if amount >= 10_000:
            return f"{_short(amount / 10_000)}万円"
        return f"{amount.quantize(Decimal(1), ROUND_HALF_UP):,f}円"
    if amount >= 1_000_000:
        return f"{(amount / 1_000_000).quantize(Decimal('0.1')).normalize():f}M JPY"
    if amount >= 1_000:
        return f"{(amount / 1_000).quantize(Decimal('0.1')).normalize():f}K JPY"
    return f"{amount.quantize(Decimal(1), ROUND_HALF_UP):,f} JPY"


def date_long(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def date_short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""
