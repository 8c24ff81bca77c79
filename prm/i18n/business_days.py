"""Japanese business days: Monday to Friday, except national holidays (the `holidays`
package: Golden Week, Silver Week, substitute holidays...) and the company's closure days
(prm.ClosureDay, set by managers in the admin: New Year break, summer break).

Used by question response targets (threads), onboarding reminders and deal protection
expiry notices (incentives).
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from prm.models import ClosureDay


@lru_cache(maxsize=16)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Japan(years=year).keys())


def closure_days(first: date, last: date) -> set[date]:
    """Closure days between `first` and `last` (inclusive)."""
    days = set()
    for start, end in ClosureDay.objects.filter(first_day__lte=last, last_day__gte=first).values_list(
        "first_day", "last_day"
    ):
        day = max(start, first)
        while day <= min(end, last):
            days.add(day)
            day += timedelta(days=1)
    return days


class Calendar:
    """Business days over a window, with the closure days loaded once (one query)."""

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        self.closed = closure_days(first, last)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _national_holidays(day.year) and day not in self.closed


def _calendar_for(start: date, days: int) -> Calendar:
    # Room for weekends, Golden Week and a long closure either way; moved on if ever exceeded.
    span = timedelta(days=abs(days) * 3 + 40)
    return Calendar(start - span, start + span)


def is_business_day(day: date) -> bool:
    return Calendar(day, day).is_business_day(day)


def add_business_days(start: date | datetime, days: int):
    """`start` plus `days` business days (negative: before). A datetime keeps its local time of
    day, except that one on a non-business day starts counting at 00:00 of the next business
    day (a question asked during Golden Week is due counted from the first day back)."""
    is_datetime = isinstance(start, datetime)
    local = timezone.localtime(start) if is_datetime else None
    day = local.date() if is_datetime else start
    cal = _calendar_for(day, days)
    step = 1 if days >= 0 else -1

    def next_business(d: date) -> date:
        nonlocal cal
        while True:
            d += timedelta(days=step)
            if not cal.first <= d <= cal.last:
                cal = _calendar_for(d, days)
            if cal.is_business_day(d):
                return d

    if is_datetime and not cal.is_business_day(day):
        day = next_business(day)
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for _i in range(abs(days)):
        day = next_business(day)
    if not is_datetime:
        return day
    return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)), local.tzinfo)


def business_days_between(first: date, last: date) -> int:
    """Business days after `first` up to and including `last` (0 when last <= first)."""
    if last <= first:
        return 0
    cal = Calendar(first, last)
    return sum(cal.is_business_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1))
