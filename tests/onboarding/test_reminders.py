"""Daily reminders: at most once per task and kind, even when a run repeats or dies mid-way."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onboarding import notifications, queries, services
from onboarding.models import OnboardingPlan, OnboardingTask, ReminderLog, ReminderPreference
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=TOKYO), tick=False)


@pytest.fixture
def april_plan(world, template, manager):
    with at(date(2026, 4, 1)):
        return services.plan_start(partner=world.partner_a, owner=manager)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def do(day: date):
        mail.outbox.clear()
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return services.reminders_run()

    return do


def recipients():
    """Who got member reminders (the owner's weekly digest aside)."""
    return sorted(m.to[0] for m in mail.outbox if m.to[0] != "owner@example.test")


def test_due_soon_reminder_goes_to_members_once(april_plan, world, run):
    assert run(date(2026, 4, 5))["due_soon"] == 0  # the kick-off is the owner's sign-off
    sent = run(date(2026, 4, 8))  # "read the guide" due on the 11th: within 3 days
    assert sent["due_soon"] == 1
    assert recipients() == sorted([world.admin_a.email, world.member_a.email])
    reminder = next(m for m in mail.outbox if m.to == [world.member_a.email])
    assert "Read the guide" in reminder.subject
    assert reminder.alternatives  # HTML part

    assert run(date(2026, 4, 8))["due_soon"] == 0  # the same day again
    assert run(date(2026, 4, 9))["due_soon"] == 0  # the next day: still the same task and kind
    assert recipients() == []
    assert ReminderLog.objects.filter(kind="due_soon").count() == 1


def test_muted_member_gets_no_due_soon_but_still_overdue(april_plan, world, run):
    ReminderPreference.objects.create(user=world.member_a, mute_non_essential=True)
    run(date(2026, 4, 8))
    assert recipients() == [world.admin_a.email]
    run(date(2026, 4, 12))  # "read the guide" overdue: essential
    assert world.member_a.email in recipients()


def test_overdue_reminder_once_per_task(april_plan, world, run):
    sent = run(date(2026, 4, 9))
    assert sent["overdue"] == 0  # the kick-off is a sign-off by the owner: no nagging of members
    sent = run(date(2026, 4, 12))  # "read the guide" was due on the 11th
    assert sent["overdue"] == 1
    assert run(date(2026, 4, 13))["overdue"] == 0


def test_submitted_task_gets_no_overdue_reminder(april_plan, world, run):
    OnboardingTask.objects.filter(plan=april_plan, title="Read the guide").update(status="submitted")
    assert run(date(2026, 4, 12))["overdue"] == 0


def test_done_task_gets_no_reminder(april_plan, world, asset, run):
    services.asset_opened(partner=world.partner_a, user=world.member_a, asset_id=asset.pk)
    assert run(date(2026, 4, 12))["overdue"] == 0


def test_interrupted_run_resumes_without_duplicates(world, manager, run, django_capture_on_commit_callbacks):
    with at(date(2026, 4, 1)):
        plans = [PlanFactory(owner=manager) for _ in range(5)]
        for p in plans:
            TaskFactory(plan=p, kind="upload", due_date=date(2026, 4, 3))
            from tests.factories import MembershipFactory

            MembershipFactory(partner=p.partner)
    original = services._reminder_claim
    calls = {"n": 0}

    def dies_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return original(*args, **kwargs)

    mail.outbox.clear()
    with (
        at(date(2026, 4, 2)),
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(services, "_reminder_claim", dies_on_third),
        pytest.raises(SystemExit),
    ):
        services.reminders_run()
    assert ReminderLog.objects.count() == 2 and len(mail.outbox) == 2

    run(date(2026, 4, 2))  # the next run does the rest
    assert ReminderLog.objects.filter(kind="due_soon").count() == 5
    assert len(mail.outbox) == 3
    run(date(2026, 4, 2))
    assert mail.outbox == []


def test_failure_inside_the_decision_rolls_back_the_log_row(april_plan, world, run):
    from onboarding import tasks

    with (
        mock.patch.object(tasks.send_reminder, "delay_on_commit", side_effect=RuntimeError("broker down")),
        at(date(2026, 4, 8)),
        pytest.raises(RuntimeError),
    ):
        services.reminders_run()
    assert not ReminderLog.objects.exists()  # no row without the send being enqueued
    assert run(date(2026, 4, 8))["due_soon"] == 1


def test_redelivered_send_task_is_a_no_op(april_plan, world, run):
    run(date(2026, 4, 8))
    log = ReminderLog.objects.get(kind="due_soon")
    mail.outbox.clear()
    assert notifications.reminder_deliver(log_id=log.pk) == 0
    assert mail.outbox == []


def test_weekly_digest_to_owner_of_at_risk_plans(april_plan, world, manager, run):
    sent = run(date(2026, 4, 13))  # no activity for 12 days
    assert sent["digest"] == 1
    digest = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(digest) == 1 and world.SECRET_A in digest[0].body
    assert run(date(2026, 4, 14))["digest"] == 0  # same ISO week
    assert run(date(2026, 4, 20))["digest"] == 1  # next week


def test_escalation_after_day_60(april_plan, world, manager, run):
    assert run(date(2026, 5, 31))["escalation"] == 0  # day 60: still within target
    sent = run(date(2026, 6, 1))
    assert sent["escalation"] == 1
    escalated = {m.to[0] for m in mail.outbox if world.SECRET_A in m.subject}
    # The plan's owner and the managers assigned to the partner, not every manager.
    assert escalated == {manager.email, world.manager_a.email}
    assert run(date(2026, 6, 2))["escalation"] == 0


def test_completed_plan_is_not_escalated(april_plan, run):
    OnboardingPlan.objects.filter(pk=april_plan.pk).update(status="completed", completed_on=date(2026, 5, 1))
    assert run(date(2026, 6, 1))["escalation"] == 0


def test_certification_renewal_reminder(world, run):
    award = UserCertificationFactory(
        user=world.member_a, partner=world.partner_a, issued_on=date(2025, 5, 1), valid_until=date(2026, 5, 1)
    )
    assert run(date(2026, 3, 1))["cert_expiring"] == 0
    assert run(date(2026, 4, 5))["cert_expiring"] == 1
    assert recipients() == [world.member_a.email]
    assert award.certification.name in mail.outbox[0].subject
    assert run(date(2026, 4, 6))["cert_expiring"] == 0


def test_reminder_selection_over_10000_plans_is_constant_queries(world, django_db_blocker):
    from partners.models import Partner

    def build(n, offset):
        partners = Partner.objects.bulk_create(
            Partner(
                name=f"Bulk {offset + i}",
                slug=f"bulk-{offset + i}",
                partner_type="sales",
                status="onboarding",
            )
            for i in range(n)
        )
        start = date(2026, 4, 1)
        plans = OnboardingPlan.objects.bulk_create(
            OnboardingPlan(
                partner=p,
                owner=world.manager_a,
                started_on=start,
                target_days=60,
                target_date=start + timedelta(days=60),
            )
            for p in partners
        )
        OnboardingTask.objects.bulk_create(
            OnboardingTask(
                plan=p,
                position=i,
                pillar="goals",
                title="T",
                kind="upload",
                due_date=start + timedelta(days=i % 20),
            )
            for i, p in enumerate(plans)
        )

    def selection_queries():
        with at(date(2026, 4, 10)), CaptureQueriesContext(connection) as ctx:
            found = queries.reminder_candidates(date(2026, 4, 10))
        return len(ctx), found

    build(10, 0)
    small, found_small = selection_queries()
    build(10_000, 10)
    large, found_large = selection_queries()
    assert small == large <= 7  # 6 selections + the closure days of the business-day horizon
    assert len(found_large["due_soon"]) > len(found_small["due_soon"]) > 0
    assert len(found_large["overdue"]) > 1000


def test_preferences_mute(world, client_for):
    client = client_for(world.member_a)
    assert client.post(reverse("onboarding:preferences"), {"mute_non_essential": "on"}).status_code == 302
    assert ReminderPreference.objects.get(user=world.member_a).mute_non_essential
    client.post(reverse("onboarding:preferences"), {})
    assert not ReminderPreference.objects.get(user=world.member_a).mute_non_essential
