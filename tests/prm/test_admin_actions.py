"""State changes from the admin go through the services (audited); status fields are read-only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content.models import Asset
from onboarding.models import OnboardingTask, TaskSubmission
from partners.models import Application
from prm.models import AuditEvent
from tests.content.factories import AssetFactory
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.partners.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def act(client, url, action, ids, **extra):
    return client.post(url, {"action": action, "_selected_action": [str(i) for i in ids], **extra})


def test_publish_and_archive_call_the_service(world, client_for):
    asset = AssetFactory(status=Asset.Status.DRAFT, published_at=None, indexed=False)
    client = client_for(world.manager_a)
    act(client, "/admin/content/asset/", "publish_now", [asset.pk])
    asset.refresh_from_db()
    assert asset.status == Asset.Status.PUBLISHED and asset.published_at is not None
    assert AuditEvent.objects.filter(action="content.asset_published", actor=world.manager_a).exists()
    act(client, "/admin/content/asset/", "archive", [asset.pk])
    asset.refresh_from_db()
    assert asset.status == Asset.Status.ARCHIVED
    assert AuditEvent.objects.filter(action="content.asset_archived").exists()


def test_asset_status_is_read_only_in_the_form(world, client_for):
    asset = AssetFactory(status=Asset.Status.DRAFT, published_at=None, indexed=False)
    page = client_for(world.manager_a).get(f"/admin/content/asset/{asset.pk}/change/").getvalue().decode()
    assert 'name="status"' not in page


def test_complete_task_calls_the_service(world, client_for):
    task = TaskFactory(plan=PlanFactory(partner=world.partner_a))
    act(client_for(world.manager_a), "/admin/onboarding/onboardingtask/", "complete_selected", [task.pk])
    task.refresh_from_db()
    assert task.status == OnboardingTask.Status.DONE
    assert task.completed_by == world.manager_a


def test_task_of_another_partner_cannot_be_completed(world, client_for):
    task = TaskFactory(plan=PlanFactory(partner=world.partner_b))
    act(client_for(world.manager_a), "/admin/onboarding/onboardingtask/", "complete_selected", [task.pk])
    task.refresh_from_db()
    assert task.status == OnboardingTask.Status.OPEN


def test_plan_and_task_status_are_read_only(world, client_for):
    plan = PlanFactory(partner=world.partner_a)
    TaskFactory(plan=plan)
    page = (
        client_for(world.manager_a)
        .get(f"/admin/onboarding/onboardingplan/{plan.pk}/change/")
        .getvalue()
        .decode()
    )
    assert 'name="status"' not in page
    assert 'name="tasks-0-status"' not in page


def submission(world, plan):
    task = TaskFactory(plan=plan, kind="document")
    return TaskSubmission.objects.create(
        task=task, file=SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n"), submitted_by=world.member_a
    )


def test_accept_and_return_documents(world, client_for):
    client = client_for(world.manager_a)
    plan = PlanFactory(partner=world.partner_a)
    first, second = submission(world, plan), submission(world, plan)
    act(client, "/admin/onboarding/tasksubmission/", "accept_selected", [first.pk])
    first.refresh_from_db()
    assert first.status == TaskSubmission.Status.ACCEPTED
    page = act(client, "/admin/onboarding/tasksubmission/", "return_selected", [second.pk])
    assert page.status_code == 200 and 'name="reason"' in page.getvalue().decode()
    act(
        client,
        "/admin/onboarding/tasksubmission/",
        "return_selected",
        [second.pk],
        apply="1",
        reason="Sign it",
    )
    second.refresh_from_db()
    assert second.status == TaskSubmission.Status.RETURNED and second.comment == "Sign it"


def test_reject_application_asks_for_a_reason(world, client_for):
    application = ApplicationFactory()
    client = client_for(world.manager_a)
    act(client, "/admin/partners/application/", "reject_selected", [application.pk], apply="1", reason="fit")
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.rejection_reason == "fit"


def test_close_and_reopen_thread_call_the_service(world, client_for):
    from tests.threads.factories import make_thread
    from threads.models import Thread

    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.support)
    act(client, "/admin/threads/thread/", "close_selected", [thread.pk])
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED
    assert AuditEvent.objects.filter(action="thread.closed", actor=world.support).exists()
    act(client, "/admin/threads/thread/", "reopen_selected", [thread.pk])
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN


def test_partner_and_thread_status_are_read_only(world, client_for):
    from tests.threads.factories import make_thread

    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.manager_a)
    assert (
        'name="status"'
        not in client.get(f"/admin/partners/partner/{world.partner_a.pk}/change/").getvalue().decode()
    )
    assert 'name="status"' not in client.get(f"/admin/threads/thread/{thread.pk}/change/").getvalue().decode()
