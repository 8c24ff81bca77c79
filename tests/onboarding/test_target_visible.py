"""The 60-day target is visible: day, pace, expected finish and risk while the plan runs; how
long it took against the target once it is complete."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from onboarding.models import OnboardingPlan, OnboardingTask
from tests.onboarding.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _plan(world, *, day, done, total=8, overdue=1):
    started = timezone.localdate() - timedelta(days=day)
    plan = PlanFactory(partner=world.partner_a, started_on=started)
    for i in range(total):
        if i < done:
            TaskFactory(plan=plan, status=OnboardingTask.Status.DONE, completed_at=timezone.now())
        elif i < done + overdue:
            TaskFactory(plan=plan, due_date=started + timedelta(days=day - 7))
        else:
            TaskFactory(plan=plan, due_date=started + timedelta(days=55))
    return plan


def test_a_running_plan_shows_day_pace_finish_and_risk(world, client_for):
    _plan(world, day=37, done=4)
    world.admin_a.language = "ja"
    world.admin_a.save()
    body = client_for(world.admin_a).get(reverse("onboarding:index")).getvalue().decode()
    assert "60日中37日目" in body
    assert 'data-testid="expected-finish"' in body and "目標より後" in body
    assert "ペースが遅れています" in body and "1件のタスクが期限を過ぎています" in body
    home = client_for(world.admin_a).get(reverse("home")).getvalue().decode()
    assert "60日中37日目" in home and 'data-testid="plan-risk"' in home


def test_a_finished_plan_says_how_long_it_took(world, client_for):
    plan = _plan(world, day=160, done=8, overdue=0)
    OnboardingPlan.objects.filter(pk=plan.pk).update(
        status=OnboardingPlan.Status.COMPLETED, completed_on=plan.started_on + timedelta(days=47)
    )
    world.admin_a.language = "ja"
    world.admin_a.save()
    client = client_for(world.admin_a)
    for url in (reverse("onboarding:index"), reverse("home")):
        assert "47日で完了（目標60日）" in client.get(url).getvalue().decode()
