import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onboarding import services
from onboarding.models import OnboardingTask, TaskKind, TaskSubmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_task(plan):
    return plan.tasks.get(kind=TaskKind.UPLOAD)


def upload(client, task, name="plan.pdf", content=b"%PDF-1.4 test"):
    return client.post(
        reverse("onboarding:task", args=[task.pk]),
        {"file": SimpleUploadedFile(name, content), "note": "Our plan"},
    )


def test_member_uploads_document_for_review(
    upload_task, world, manager, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(world.member_a), upload_task)
    assert response.status_code == 302
    upload_task.refresh_from_db()
    assert upload_task.status == OnboardingTask.Status.SUBMITTED
    sub = TaskSubmission.objects.get()
    assert sub.submitted_by == world.member_a and sub.status == "pending"
    assert [m.to for m in mail.outbox] == [[manager.email]]  # the owner hears about it


def test_upload_rejects_bad_file_type(upload_task, world, client_for):
    response = upload(client_for(world.member_a), upload_task, name="evil.exe")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not TaskSubmission.objects.exists()


def test_other_partner_cannot_upload(upload_task, world, client_for):
    response = upload(client_for(world.admin_b), upload_task)
    assert response.status_code == 404
    assert not TaskSubmission.objects.exists()


def test_accept_completes_task(upload_task, world, manager, client_for):
    upload(client_for(world.member_a), upload_task)
    sub = TaskSubmission.objects.get()
    response = client_for(manager).post(
        reverse("onboarding:staff_review", args=[sub.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    upload_task.refresh_from_db()
    assert sub.status == "accepted" and sub.reviewed_by == manager
    assert upload_task.status == OnboardingTask.Status.DONE and upload_task.completed_by == manager


def test_return_needs_comment_and_reopens_task(
    upload_task, world, manager, client_for, django_capture_on_commit_callbacks
):
    upload(client_for(world.member_a), upload_task)
    sub = TaskSubmission.objects.get()
    url = reverse("onboarding:staff_review", args=[sub.pk])
    response = client_for(manager).post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and response.context["form"].errors["comment"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            url, {"decision": "return", "comment": "Please add the sales targets."}
        )
    assert response.status_code == 302
    sub.refresh_from_db()
    upload_task.refresh_from_db()
    assert sub.status == "returned" and sub.comment == "Please add the sales targets."
    assert upload_task.status == OnboardingTask.Status.OPEN
    assert mail.outbox[0].to == [world.member_a.email]
    assert "Please add the sales targets." in mail.outbox[0].body

    # The member can send a new version after a return.
    assert upload(client_for(world.member_a), upload_task).status_code == 302
    assert TaskSubmission.objects.filter(status="pending").count() == 1


def test_a_review_cannot_happen_twice(upload_task, world, manager):
    sub = services.submission_create(
        task=upload_task, partner=world.partner_a, user=world.member_a, file=SimpleUploadedFile("a.pdf", b"x")
    )
    services.submission_review(submission=sub, actor=manager, accept=True)
    with pytest.raises(services.OnboardingError):
        services.submission_review(submission=sub, actor=manager, accept=False, comment="no")


def test_review_queue_lists_pending_for_visible_partners(
    upload_task, world, manager, client_for, django_assert_max_num_queries
):
    upload(client_for(world.member_a), upload_task)
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("onboarding:staff_reviews"))
    assert world.SECRET_A in response.getvalue().decode()
    response = client_for(world.manager_other).get(reverse("onboarding:staff_reviews"))
    assert world.SECRET_A not in response.getvalue().decode()


def test_staff_downloads_the_document(upload_task, world, client_for):
    upload(client_for(world.member_a), upload_task, content=b"%PDF-1.4 hello")
    sub = TaskSubmission.objects.get()
    response = client_for(world.manager_a).get(reverse("onboarding:staff_submission_file", args=[sub.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 hello"
    assert (
        client_for(world.manager_other)
        .get(reverse("onboarding:staff_submission_file", args=[sub.pk]))
        .status_code
        == 404
    )
