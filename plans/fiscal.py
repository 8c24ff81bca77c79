"""The vendor's fiscal year and its quarters, from `PRM_FISCAL_YEAR_START_MONTH` (funds'
periods read the same setting). A fiscal year is named by the calendar year of its first
day: with April, FY2026 runs from 2026-04-01 to 2027-03-31 and its Q1 is April to June."""

from datetime import date, timedelta
from typing import NamedTuple

from funds.periods import fiscal_year_start_month

QUARTERS = (1, 2, 3, 4)


class Span(NamedTuple):
    start: date
    end: date


def _month_start(year: int, month_index: int) -> date:
    """The first day of month `month_index` (0-based, may pass 11) counted from January of `year`."""
    return date(year + month_index // 12, month_index % 12 + 1, 1)


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= fiscal_year_start_month() else day.year - 1


def year_span(fiscal_year: int) -> Span:
    first = fiscal_year_start_month() - 1
    return Span(_month_start(fiscal_year, first), _month_start(fiscal_year, first + 12) - timedelta(days=1))


def quarter_span(fiscal_year: int, quarter: int) -> Span:
    first = fiscal_year_start_month() - 1 + (quarter - 1) * 3
    return Span(_month_start(fiscal_year, first), _month_start(fiscal_year, first + 3) - timedelta(days=1))


def quarter_of(day: date) -> tuple[int, int]:
    """(fiscal year, quarter 1-4) containing `day`."""
    fiscal_year = fiscal_year_of(day)
    months = (day.month - fiscal_year_start_month()) % 12
    return fiscal_year, months // 3 + 1
