"""Japanese business days: national holidays (Golden Week...) and company closure days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from prm.i18n.business_days import add_business_days, business_days_between, is_business_day
from prm.models import ClosureDay
from threads.services import add_business_days as thread_due

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def test_golden_week_2026_is_not_counted():
    # 2026: 4/29 (Wed) 昭和の日, 5/3 (Sun) 憲法記念日, 5/4 みどりの日, 5/5 こどもの日, 5/6 振替休日.
    assert not is_business_day(date(2026, 4, 29))
    assert is_business_day(date(2026, 5, 1))
    assert [is_business_day(date(2026, 5, d)) for d in (4, 5, 6, 7)] == [False, False, False, True]
    assert add_business_days(date(2026, 5, 1), 1) == date(2026, 5, 7)
    assert add_business_days(date(2026, 5, 7), -1) == date(2026, 5, 1)
    assert business_days_between(date(2026, 4, 28), date(2026, 5, 7)) == 3  # 4/30, 5/1, 5/7


def test_an_answer_due_across_golden_week(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    asked = datetime(2026, 5, 1, 15, 30, tzinfo=TOKYO)  # Friday afternoon before the long weekend
    assert thread_due(asked, 1) == datetime(2026, 5, 7, 15, 30, tzinfo=TOKYO)
    # Asked on a holiday: counting starts on the first business day back.
    assert thread_due(datetime(2026, 5, 4, 10, 0, tzinfo=TOKYO), 1) == datetime(
        2026, 5, 8, 0, 0, tzinfo=TOKYO
    )


def test_company_closure_days_set_by_managers_are_skipped():
    ClosureDay.objects.create(name="年末年始休業", first_day=date(2026, 12, 29), last_day=date(2027, 1, 4))
    ClosureDay.objects.create(name="創立記念日", first_day=date(2026, 5, 1), last_day=date(2026, 5, 1))
    assert add_business_days(date(2026, 12, 28), 1) == date(2027, 1, 5)
    assert add_business_days(date(2026, 4, 28), 2) == date(2026, 5, 7)  # 4/30, then 5/7
    assert not is_business_day(date(2026, 12, 30))


def test_silver_week_and_substitute_holidays():
    # 2026: 9/21 敬老の日 (Mon), 9/22 国民の休日, 9/23 秋分の日.
    assert add_business_days(date(2026, 9, 18), 1) == date(2026, 9, 24)
