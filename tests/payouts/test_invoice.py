"""The invoice system's rules: registration numbers, tax per rate, the transitional deduction."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from payouts.invoice import (
    corporate_number_check_digit,
    deductible_percent,
    normalise_registration_number,
    tax_by_rate,
    validate_registration_number,
)

# Published corporate numbers (国税庁 法人番号公表サイト): the registration number is "T" + it.
PUBLISHED = {
    "7000012050002": "国税庁",
    "1180301018771": "トヨタ自動車株式会社",
    "5010401067252": "ソニーグループ株式会社",
    "1130001011420": "任天堂株式会社",
}


@pytest.mark.parametrize("number", sorted(PUBLISHED))
def test_published_numbers_check(number):
    assert corporate_number_check_digit(number[1:]) == int(number[0])
    validate_registration_number("T" + number)


@pytest.mark.parametrize(
    "value,code",
    [
        ("T7000012050003", "check_digit"),  # last digit changed
        ("T8000012050002", "check_digit"),  # check digit changed
        ("T1180301018717", "check_digit"),  # two digits swapped
        ("7000012050002", "format"),  # no T
        ("T700001205000", "format"),  # 12 digits
        ("T70000120500021", "format"),
        ("TＡ000012050002", "format"),
    ],
)
def test_wrong_numbers_are_refused(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_registration_number(value)
    assert exc.value.code == code


def test_numbers_are_taken_as_people_type_them():
    assert normalise_registration_number(" t1180-3010-1877-1 ") == "T1180301018771"
    assert normalise_registration_number("Ｔ１１８０３０１０１８７７１") == "T1180301018771"


def test_tax_is_computed_once_per_rate_and_rounded_down():
    lines = [(10, Decimal(15)), (10, Decimal(15)), (10, Decimal(15)), (8, Decimal(99)), (8, Decimal(99))]
    # Per line, 10% of 15 is 1.5 (three lines: 3 yen rounded down); on the total, 4.5 -> 4.
    # Per line, 8% of 99 is 7.92 (two lines: 14); on the total, 15.84 -> 15.
    assert tax_by_rate(lines) == {10: (Decimal(45), Decimal(4)), 8: (Decimal(198), Decimal(15))}


@pytest.mark.parametrize(
    "net,tax",
    [(0, 0), (9, 0), (10, 1), (19, 1), (1_234_567, 123_456), (999_999, 99_999), (1_000_000, 100_000)],
)
def test_rounding_edges_at_ten_percent(net, tax):
    assert tax_by_rate([(10, Decimal(net))]) == {10: (Decimal(net), Decimal(tax))}


def test_unknown_rate_is_an_error():
    with pytest.raises(ValueError):
        tax_by_rate([(5, Decimal(100))])


@pytest.mark.parametrize(
    "on,percent",
    [
        (date(2023, 10, 1), 80),
        (date(2026, 9, 30), 80),
        (date(2026, 10, 1), 70),  # 令和8年度税制改正: 70% (was 50%) from October 2026
        (date(2028, 9, 30), 70),
        (date(2028, 10, 1), 50),
        (date(2030, 9, 30), 50),
        (date(2030, 10, 1), 30),
        (date(2031, 9, 30), 30),
        (date(2031, 10, 1), 0),
    ],
)
def test_transitional_deduction_for_unregistered_suppliers(on, percent):
    assert deductible_percent(registered=False, on=on) == percent
    assert deductible_percent(registered=True, on=on) == 100
