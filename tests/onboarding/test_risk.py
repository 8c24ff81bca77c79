"""Pace and risk rules on fixed dates (time frozen with time_machine)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from onboarding import queries, services
from onboarding.models import OnboardingPlan, OnboardingTask

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=TOKYO), tick=False)


@pytest.fixture
def april_plan(world, template, manager):
    with at(date(2026, 4, 1)):
        return services.plan_start(partner=world.partner_a, owner=manager)


def finish(plan, n):
    ids = list(plan.tasks.order_by("position").values_list("pk", flat=True)[:n])
    OnboardingTask.objects.filter(pk__in=ids).update(status="done", completed_at=timezone.now())
    OnboardingPlan.objects.filter(pk=plan.pk).update(last_activity_at=timezone.now())


def annotated(plan):
    return queries.plans_with_progress(OnboardingPlan.objects.filter(pk=plan.pk)).get()


def test_on_pace_plan_has_no_flags(april_plan):
    with at(date(2026, 5, 1)):  # day 30 of 60: half the time gone
        finish(april_plan, 3)  # half the tasks done, none overdue
        OnboardingTask.objects.filter(plan=april_plan, status="open").update(due_date=date(2026, 5, 20))
        plan = annotated(april_plan)
        assert queries.risk_flags(plan) == []
        progress = queries.plan_progress(plan)
        assert progress.days_elapsed == 30
        assert progress.percent == 50
        assert progress.days_left == 30
        assert progress.expected_finish == date(2026, 5, 31)  # 30 days per 3 tasks -> 60 days for 6


def test_behind_pace_when_progress_trails_time_by_more_than_tolerance(april_plan):
    with at(date(2026, 5, 1)):
        finish(april_plan, 2)  # 33% done at 50% of the time
        OnboardingTask.objects.filter(plan=april_plan, status="open").update(due_date=date(2026, 5, 20))
        plan = annotated(april_plan)
        assert queries.risk_flags(plan) == ["behind"]
        assert queries.plan_progress(plan).expected_finish == date(2026, 6, 30)  # 30 days * 6 / 2


def test_within_tolerance_is_not_behind(april_plan):
    with at(date(2026, 4, 19)):  # day 18 = 30% of the time; 1 of 6 = 17% done: trails by 13 points
        finish(april_plan, 1)
        OnboardingTask.objects.filter(plan=april_plan, status="open").update(due_date=date(2026, 5, 20))
        assert queries.risk_flags(annotated(april_plan)) == ["behind"]
    with at(date(2026, 4, 13)):  # day 12 = 20%; 17% done trails by 3 points only
        assert queries.risk_flags(annotated(april_plan)) == []


def test_overdue_task_flags_the_plan(april_plan):
    with at(date(2026, 4, 9)):  # the kick-off (due day 7) is open
        OnboardingPlan.objects.filter(pk=april_plan.pk).update(last_activity_at=timezone.now())
        assert "overdue" in queries.risk_flags(annotated(april_plan))
        task = april_plan.tasks.get(title="Kick-off")
        assert task.state(timezone.localdate()) == "overdue"


def test_no_activity_for_ten_days_flags_the_plan(april_plan):
    with at(date(2026, 4, 11)):  # 10 days after the start, nothing happened
        assert "inactive" not in queries.risk_flags(annotated(april_plan))
    with at(date(2026, 4, 12)):
        assert "inactive" in queries.risk_flags(annotated(april_plan))


def test_task_states_for_display(april_plan):
    task = april_plan.tasks.get(title="Read the guide")  # due 2026-04-11
    assert task.state(date(2026, 4, 7)) == "open"
    assert task.state(date(2026, 4, 8)) == "due_soon"
    assert task.state(date(2026, 4, 11)) == "due_soon"
    assert task.state(date(2026, 4, 12)) == "overdue"
    task.status = "submitted"
    assert task.state(date(2026, 4, 12)) == "submitted"


def test_staff_list_filters_by_risk_owner_and_type(april_plan, world, manager, client_for):
    client = client_for(manager)
    with at(date(2026, 4, 12)):
        body = client.get(reverse("onboarding:staff_plans"), {"risk": "inactive"}).getvalue().decode()
        assert world.SECRET_A in body
        body = (
            client.get(reverse("onboarding:staff_plans"), {"risk": "behind", "partner_type": "sales"})
            .getvalue()
            .decode()
        )
        assert world.SECRET_A not in body
        body = (
            client.get(reverse("onboarding:staff_plans"), {"owner": world.manager_a.pk}).getvalue().decode()
        )
        assert world.SECRET_A not in body
        response = client.get(reverse("onboarding:staff_plans"), {"format": "csv", "risk": "any"})
        raw = response.getvalue()
        text = raw.decode("utf-8-sig")
        assert response["Content-Type"].startswith("text/csv")
        assert raw.startswith("\ufeff".encode())
        row = next(line for line in text.splitlines() if world.SECRET_A in line)
        assert row.split(",")[-1].strip()  # the risk column is filled


def test_next_step_prefers_overdue_over_due_soon(april_plan):
    tasks = list(april_plan.tasks.all())
    profile = next(t for t in tasks if t.title == "Fill in your profile")
    profile.due_date = date(2026, 4, 5)  # overdue on the 9th
    assert queries.next_step(tasks, date(2026, 4, 9)) == profile


def test_partner_view_shows_next_best_step_first(april_plan, world, client_for):
    with at(date(2026, 4, 9)):
        response = client_for(world.member_a).get(reverse("onboarding:index"))
        # The overdue kick-off is the owner's sign-off; the most urgent task the partner can do comes first.
        assert response.context["next_step"].title == "Read the guide"
        assert response.context["progress"].days_left == 52
        body = response.getvalue().decode()
        assert "Olivia Owner" in body
        task = april_plan.tasks.get(title="Kick-off")
        assert f"/questions/new/?about=onboarding.onboardingtask:{task.pk}&amp;category=onboarding" in body


def test_staff_list_count_matches_its_rows_with_and_without_a_risk_filter(
    april_plan, world, manager, client_for
):
    from tests.factories import PartnerFactory
    from tests.onboarding.factories import PlanFactory

    for _ in range(3):
        PlanFactory(partner=PartnerFactory(), started_on=date(2026, 4, 10))
    PlanFactory(partner=PartnerFactory(), status="completed", completed_on=date(2026, 4, 1))
    client = client_for(manager)
    with at(date(2026, 4, 12)):
        for params in ({}, {"risk": "inactive"}, {"risk": "behind"}, {"status": "completed"}, {"q": "Alpha"}):
            page = client.get(reverse("onboarding:staff_plans"), params).context["page"]
            assert page.paginator.count == len(page.object_list), params
