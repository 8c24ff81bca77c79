"""The 60-day metric on a known data set."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from onboarding import queries, rollups
from onboarding.models import OnboardingPlan
from tests.factories import PartnerFactory
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False):
        yield


def plan(ptype, started, *, status="running", took=None):
    completed_on = started + timedelta(days=took) if took is not None else None
    return PlanFactory(
        partner=PartnerFactory(partner_type=ptype),
        started_on=started,
        status=status,
        completed_on=completed_on,
    )


@pytest.fixture
def known(world):
    jan = date(2026, 1, 5)
    for took in (30, 45, 60):
        plan("sales", jan, status="completed", took=took)
    plan("sales", jan, status="completed", took=75)  # late
    late_running = plan("delivery", jan)  # running past its target: late
    plan("delivery", jan, status="cancelled")  # ignored
    plan("sales", date(2026, 3, 10))  # still inside its window: pending
    # Tasks: one overdue twice, one late once.
    TaskFactory(plan=late_running, title="Business plan", pillar="goals", due_date=date(2026, 2, 1))
    other = plan("solution", date(2026, 3, 1))
    TaskFactory(plan=other, title="Business plan", pillar="goals", due_date=date(2026, 3, 20))
    TaskFactory(plan=other, title="Profile", pillar="self_service", due_date=date(2026, 4, 20))
    return OnboardingPlan.objects.all()


def test_cohort_share_within_60_days(known):
    with translation.override("en"):
        rows = {(r["month"].strftime("%Y-%m"), r["partner_type"]): r for r in queries.cohort_rows(known)}
    sales_jan = rows[("2026-01", "Sales expansion")]
    assert (sales_jan["started"], sales_jan["within"], sales_jan["late"], sales_jan["share"]) == (4, 3, 1, 75)
    delivery_jan = rows[("2026-01", "Delivery & implementation")]
    assert (delivery_jan["started"], delivery_jan["late"], delivery_jan["share"]) == (1, 1, 0)
    sales_mar = rows[("2026-03", "Sales expansion")]
    assert (sales_mar["pending"], sales_mar["share"]) == (1, None)
    assert queries.overall_share(list(rows.values())) == 60  # 3 of 5 decided


def test_median_days_to_onboard(known):
    assert queries.median_days_to_onboard(known) == 52.5


def test_most_overdue_tasks(known):
    rows = queries.most_overdue_tasks(known)
    assert rows[0]["title"] == "Business plan" and rows[0]["late"] == 2
    assert all(r["title"] != "Profile" for r in rows)


def test_metrics_page_and_csv(known, world, client_for):
    world.superuser.language = "en"
    world.superuser.save()
    client = client_for(world.superuser)
    response = client.get(reverse("onboarding:staff_metrics"))
    assert response.status_code == 200
    assert response.context["overall"] == 60
    response = client.get(reverse("onboarding:staff_metrics"), {"export": "cohorts"})
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 4
    assert ["2026-01", "Sales expansion", "4", "3", "1", "0", "75"] in rows


def test_metrics_only_count_visible_partners(known, world, client_for):
    response = client_for(world.manager_other).get(reverse("onboarding:staff_metrics"))
    assert response.context["cohorts"] == []


def _late_tasks_fixture(known):
    from django.utils import timezone

    done_late = plan("sales", date(2026, 2, 1))
    TaskFactory(
        plan=done_late,
        title="Business plan",
        pillar="goals",
        due_date=date(2026, 2, 10),
        status="done",
        completed_at=timezone.make_aware(datetime(2026, 2, 12, 9)),
    )
    TaskFactory(
        plan=done_late,
        title="Kick-off",
        pillar="goals",
        due_date=date(2026, 2, 10),
        status="done",
        completed_at=timezone.make_aware(datetime(2026, 2, 10, 23, 30)),
    )
    cancelled = OnboardingPlan.objects.filter(status="cancelled").first()
    TaskFactory(plan=cancelled, title="Business plan", pillar="goals", due_date=date(2026, 1, 10))  # ignored
    return known


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_task_lateness_rollup_equals_the_tasks(known, language):
    from partners.models import Partner

    _late_tasks_fixture(known)
    rollups.task_lateness_refresh()
    with translation.override(language):
        rolled, as_of = queries.task_lateness(Partner.objects.all())
        assert as_of is not None
        assert rolled == queries.most_overdue_tasks(OnboardingPlan.objects.all())
    assert [(r["title"], r["late"], r["total"]) for r in rolled] == [("Business plan", 3, 3)]


def test_a_narrowed_scope_reads_its_own_plans_live(known, world):
    from partners.models import Partner

    _late_tasks_fixture(known)
    rollups.task_lateness_refresh()
    mine = Partner.objects.filter(pk=world.partner_a.pk)
    late_a = PlanFactory(partner=world.partner_a, started_on=date(2026, 1, 5))
    TaskFactory(plan=late_a, title="Own task", pillar="goals", due_date=date(2026, 2, 1))
    rows, as_of = queries.task_lateness(mine)
    assert as_of is None and [(r["title"], r["late"]) for r in rows] == [("Own task", 1)]


def test_the_metrics_page_shows_when_the_late_tasks_were_computed(known, world, client_for):
    client = client_for(world.superuser)
    assert (
        'data-testid="overdue-as-of"'
        not in client.get(reverse("onboarding:staff_metrics")).getvalue().decode()
    )
    from onboarding import tasks

    tasks.refresh_metrics()
    page = client.get(reverse("onboarding:staff_metrics")).getvalue().decode()
    assert 'data-testid="overdue-as-of"' in page and "Business plan" in page


def test_the_cached_metrics_may_lag_and_say_so_then_follow_plans_and_certifications(known, world, client_for):
    """For every-partner readers the figures may lag five minutes (prm.cache.pagecache.lagging) and
    the page says when they were counted; once that has passed, starting, completing (a
    queryset update) and cancelling plans and earning a certification all show."""
    from django.core.cache import cache

    from onboarding import services
    from prm.cache import pagecache

    def five_minutes_later():
        cache.delete_pattern(pagecache.lagging_key("onboarding:metrics:*"))

    client = client_for(world.superuser)
    url = reverse("onboarding:staff_metrics")
    first = client.get(url)
    running = first.context["running"]
    assert 'data-testid="metrics-as-of"' in first.content.decode()
    last = plan("sales", date(2026, 3, 20))
    task = TaskFactory(plan=last, title="Only task", pillar="goals", due_date=date(2026, 4, 10))
    assert client.get(url).context["running"] == running  # served from the cache: it may lag
    five_minutes_later()
    assert client.get(url).context["running"] == running + 1
    services.task_sign_off(task=task, actor=world.superuser)
    assert OnboardingPlan.objects.get(pk=last.pk).status == "completed"
    five_minutes_later()
    assert client.get(url).context["running"] == running
    services.plan_cancel(plan=OnboardingPlan.objects.filter(status="running").first(), actor=world.superuser)
    five_minutes_later()
    assert client.get(url).context["running"] == running - 1
    before = client.get(url).context["certs"]
    UserCertificationFactory(
        partner=world.partner_a,
        certification__name="Closer",
        issued_on=date(2026, 3, 1),
        valid_until=date(2027, 3, 1),
    )
    five_minutes_later()
    after = client.get(url).context["certs"]
    assert after != before and "Closer" in [r["certification__name"] for r in after]
