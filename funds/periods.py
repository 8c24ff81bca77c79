"""The vendor's fund periods: quarters or fiscal halves of a fiscal year that starts in
`PRM_FISCAL_YEAR_START_MONTH` (settings, from the environment; April by default, as most
Japanese companies). `PRM_MDF_PERIOD` is "quarter" or "half". Changing either applies to
funds allocated afterwards; funds already allocated keep their dates."""

from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _


class Period(NamedTuple):
    start: date
    end: date

    def label(self) -> str:
        """ "FY2026 Q1" / "2026年度 第1四半期"; the fiscal year is named by its first day's year."""
        start_month = fiscal_year_start_month()
        first = date(
            self.start.year if self.start.month >= start_month else self.start.year - 1, start_month, 1
        )
        index = (self.start.year - first.year) * 12 + self.start.month - first.month
        months = period_months()
        number = index // months + 1
        if months == 3:
            return _("FY%(year)s Q%(number)s") % {"year": first.year, "number": number}
        return _("FY%(year)s H%(number)s") % {"year": first.year, "number": number}


def fiscal_year_start_month() -> int:
    return int(getattr(settings, "PRM_FISCAL_YEAR_START_MONTH", 4))


def period_months() -> int:
    return 6 if getattr(settings, "PRM_MDF_PERIOD", "quarter") == "half" else 3


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def period_of(day: date) -> Period:
    """The fund period containing `day`."""
    months = period_months()
    offset = (day.month - fiscal_year_start_month()) % 12
    start = _add_months(date(day.year, day.month, 1), -(offset % months))
    return Period(start, _add_months(start, months) - timedelta(days=1))
