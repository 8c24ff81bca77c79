"""The invoice system's rules (インボイス制度, since 1 October 2023) that a payment notice
follows: the issuer registration number, consumption tax per rate, and the transitional
deduction for purchases from suppliers who are not registered (免税事業者 and others).

Pure functions of their arguments: the statement service stores what they return.
"""

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGISTRATION_RE = re.compile(r"^T\d{13}$")

# Consumption tax rates (national + local): standard 10%, reduced 8% (軽減税率).
STANDARD, REDUCED = 10, 8
RATES = (STANDARD, REDUCED)

# The share of the tax on a purchase from a supplier that is not registered which the buyer
# may still deduct, by the date of the purchase (平成28年改正法附則第52条・第53条, as revised by
# the 令和8年度税制改正: 70% from October 2026 instead of 50%, and two more steps to
# September 2031). Outside these ranges: nothing (before 1 October 2023 there was no
# invoice system; invoices were not required then, so it never applies to our statements).
TRANSITIONAL_DEDUCTION = (
    (date(2023, 10, 1), date(2026, 9, 30), 80),
    (date(2026, 10, 1), date(2028, 9, 30), 70),
    (date(2028, 10, 1), date(2030, 9, 30), 50),
    (date(2030, 10, 1), date(2031, 9, 30), 30),
)


def corporate_number_check_digit(base: str) -> int:
    """The check digit of a 13-digit corporate number (法人番号, its first digit) from the
    other twelve: 9 - (sum of P_n * Q_n) mod 9, where P_n is the n-th digit counted from the
    lowest and Q_n is 1 for odd n and 2 for even n (法人番号の指定等に関する省令第1条)."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def normalise_registration_number(value: str) -> str:
    """What people type ("t 1180-3010-1877-1", full-width digits) as "T" + 13 digits."""
    cleaned = re.sub(r"[\s\-‐－ー]", "", value or "")
    cleaned = cleaned.translate(str.maketrans("０１２３４５６７８９Ｔｔ", "0123456789TT")).upper()
    return cleaned


def validate_registration_number(value: str) -> None:
    """A qualified invoice issuer's registration number: T and 13 digits whose first digit
    checks the other twelve (the corporate number's rule; sole proprietors get numbers of the
    same shape)."""
    if not REGISTRATION_RE.match(value or ""):
        raise ValidationError(
            _("Enter the registration number as T followed by 13 digits, as on the certificate."),
            code="format",
        )
    digits = value[1:]
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _("This registration number's check digit does not match: please check for a typo."),
            code="check_digit",
        )


def deductible_percent(*, registered: bool, on: date) -> int:
    """The share (%) of the tax the vendor may deduct for a purchase made on `on`."""
    if registered:
        return 100
    for start, end, percent in TRANSITIONAL_DEDUCTION:
        if start <= on <= end:
            return percent
    return 0


def floor_yen(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_FLOOR)


def tax_by_rate(lines: Iterable[tuple[int, Decimal]]) -> dict[int, tuple[Decimal, Decimal]]:
    """Per rate: (the tax-exclusive total, its consumption tax). The tax is computed once per
    document and rate on the rate's total and rounded down to the yen (the invoice system
    allows one rounding per rate per document; we round down, 切り捨て), never line by line."""
    totals: dict[int, Decimal] = {}
    for rate, amount in lines:
        if rate not in RATES:
            raise ValueError(f"unknown tax rate {rate}")
        totals[rate] = totals.get(rate, Decimal(0)) + Decimal(amount)
    return {rate: (net, floor_yen(net * rate / 100)) for rate, net in sorted(totals.items(), reverse=True)}
