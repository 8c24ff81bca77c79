"""Onboarding events reach people through prm.notifications.center, once per event."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onboarding import notifications, services
from onboarding.models import ReminderLog, TaskKind
from prm.models import Notification
from tests.onboarding.test_reminders import at
from tests.training.factories import UserCertificationFactory


@pytest.fixture
def upload_task(plan):
    return plan.tasks.get(kind=TaskKind.UPLOAD)


def _submit(task, world):
    return services.submission_create(
        task=task,
        partner=world.partner_a,
        user=world.member_a,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
    )


@pytest.mark.parametrize(("accept", "variant"), [(True, "accepted"), (False, "returned")])
def test_document_review_notifies_the_submitter_once(
    upload_task, world, manager, django_capture_on_commit_callbacks, accept, variant
):
    sub = _submit(upload_task, world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_review(
            submission=sub, actor=manager, accept=accept, comment="" if accept else "Fix it"
        )
    from onboarding import tasks

    # A redelivered task changes nothing.
    (tasks.notify_submission_accepted if accept else tasks.notify_submission_returned)(submission_id=sub.pk)
    n = Notification.objects.get(kind="document_reviewed")
    assert n.recipient == world.member_a and n.params["variant"] == variant


def test_certification_expiring_and_plan_at_risk_once_per_event(
    world, plan, manager, django_capture_on_commit_callbacks
):
    UserCertificationFactory(
        user=world.member_a, partner=world.partner_a, issued_on=date(2025, 5, 1), valid_until=date(2026, 5, 1)
    )
    for _ in range(2):
        with at(date(2026, 4, 5)), django_capture_on_commit_callbacks(execute=True):
            services.reminders_run()
    assert Notification.objects.filter(kind="certification_expiring", recipient=world.member_a).count() == 1
    log = ReminderLog.objects.get(kind=ReminderLog.Kind.CERT_EXPIRING)
    assert notifications.reminder_deliver(log_id=log.pk) == 0  # redelivered
    assert Notification.objects.filter(kind="certification_expiring").count() == 1


def test_plan_at_risk_notifies_owner_and_managers_once(
    world, template, manager, django_capture_on_commit_callbacks
):
    with at(date(2026, 4, 1)):
        services.plan_start(partner=world.partner_a, owner=manager)
    for day in (date(2026, 6, 1), date(2026, 6, 2)):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            services.reminders_run()
    rows = Notification.objects.filter(kind="plan_at_risk")
    # The owner and the managers assigned to the partner; an unassigned manager hears nothing.
    assert sorted(n.recipient.email for n in rows) == sorted([manager.email, world.manager_a.email])
    assert world.SECRET_A in rows[0].text
