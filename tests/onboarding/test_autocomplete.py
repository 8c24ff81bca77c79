"""Every way a task completes itself, and who did it is recorded."""

import pytest
from django.urls import reverse

from onboarding import services
from onboarding.models import OnboardingTask, TaskKind
from prm.models import AuditEvent
from tests.training.factories import CourseFactory
from tests.training.test_webhook import completion, make_lms, post
from training import services as training
from training.models import Enrollment, UserCertification

pytestmark = pytest.mark.django_db


def task_of(plan, kind):
    return plan.tasks.get(kind=kind)


def test_asset_opened_completes_read_task(plan, world, asset):
    services.asset_opened(partner=world.partner_a, user=world.member_a, asset_id=asset.pk)
    task = task_of(plan, TaskKind.ASSET)
    assert task.status == OnboardingTask.Status.DONE
    assert task.completed_by == world.member_a
    assert AuditEvent.objects.filter(
        action="onboarding.task_done", target_id=str(task.pk), actor=world.member_a
    ).exists()


def test_asset_opened_by_other_partner_changes_nothing(plan, world, asset):
    services.asset_opened(partner=world.partner_b, user=world.admin_b, asset_id=asset.pk)
    assert task_of(plan, TaskKind.ASSET).status == OnboardingTask.Status.OPEN


def test_profile_completed_completes_profile_task(plan, world):
    services.profile_completed(partner=world.partner_a, user=world.admin_a)
    task = task_of(plan, TaskKind.PROFILE)
    assert task.status == OnboardingTask.Status.DONE
    assert task.completed_by == world.admin_a


def test_passing_quiz_completes_course_and_certification_tasks(
    plan, world, course, certification, django_capture_on_commit_callbacks
):
    enrollment = training.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    answers = {right.question_id: right.pk for right, _wrong in course.answers}
    with django_capture_on_commit_callbacks(execute=True):  # training tells onboarding after commit
        attempt = training.quiz_submit(enrollment=enrollment, answers=answers)

    assert attempt.passed and attempt.score == 100
    assert task_of(plan, TaskKind.COURSE).status == OnboardingTask.Status.DONE
    award = UserCertification.objects.get(user=world.member_a, certification=certification)
    assert award.valid_until.year == award.issued_on.year + 1
    assert task_of(plan, TaskKind.CERTIFICATION).status == OnboardingTask.Status.DONE
    assert task_of(plan, TaskKind.CERTIFICATION).completed_by == world.member_a


def test_failing_quiz_completes_nothing(plan, world, course, django_capture_on_commit_callbacks):
    enrollment = training.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    (r1, _w1), (_r2, w2) = course.answers
    with django_capture_on_commit_callbacks(execute=True):
        attempt = training.quiz_submit(
            enrollment=enrollment, answers={r1.question_id: r1.pk, w2.question_id: w2.pk}
        )
    assert attempt.score == 50 and not attempt.passed
    assert task_of(plan, TaskKind.COURSE).status == OnboardingTask.Status.OPEN
    assert not UserCertification.objects.exists()


def test_course_without_quiz_is_passed_by_finishing_lessons(
    plan, world, course, django_capture_on_commit_callbacks
):
    course.questions.all().delete()
    enrollment = training.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    first, second = course.lessons.all()
    with django_capture_on_commit_callbacks(execute=True):
        training.lesson_complete(enrollment=enrollment, lesson=first)
    assert task_of(plan, TaskKind.COURSE).status == OnboardingTask.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        training.lesson_complete(enrollment=enrollment, lesson=second)
    assert Enrollment.objects.get(pk=enrollment.pk).passed_at is not None
    assert task_of(plan, TaskKind.COURSE).status == OnboardingTask.Status.DONE


def test_course_passed_before_plan_start_counts(world, template, course, manager):
    enrollment = training.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    training.quiz_submit(enrollment=enrollment, answers={r.question_id: r.pk for r, _w in course.answers})
    plan = services.plan_start(partner=world.partner_a, owner=manager)
    assert task_of(plan, TaskKind.COURSE).status == OnboardingTask.Status.DONE
    assert task_of(plan, TaskKind.CERTIFICATION).status == OnboardingTask.Status.DONE


def test_owner_signs_off_manual_task(plan, world, manager, client_for):
    task = task_of(plan, TaskKind.SIGNOFF)
    response = client_for(manager).post(
        reverse("onboarding:staff_plan", args=[plan.pk]), {"action": "signoff", "task": task.pk}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == OnboardingTask.Status.DONE and task.completed_by == manager


def test_support_cannot_sign_off(plan, world, client_for):
    task = task_of(plan, TaskKind.SIGNOFF)
    response = client_for(world.support).post(
        reverse("onboarding:staff_plan", args=[plan.pk]), {"action": "signoff", "task": task.pk}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == OnboardingTask.Status.OPEN


def test_sign_off_refuses_self_completing_kinds(plan, manager):
    with pytest.raises(services.OnboardingError):
        services.task_sign_off(task=task_of(plan, TaskKind.COURSE), actor=manager)


def test_whole_plan_completes_through_every_path(
    plan, world, asset, course, manager, django_capture_on_commit_callbacks
):
    services.asset_opened(partner=world.partner_a, user=world.member_a, asset_id=asset.pk)
    services.profile_completed(partner=world.partner_a, user=world.admin_a)
    enrollment = training.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        training.quiz_submit(enrollment=enrollment, answers={r.question_id: r.pk for r, _w in course.answers})
    services.task_sign_off(task=task_of(plan, TaskKind.SIGNOFF), actor=manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sub = services.submission_create(
        task=task_of(plan, TaskKind.UPLOAD),
        partner=world.partner_a,
        user=world.admin_a,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
    )
    plan.refresh_from_db()
    assert plan.status == "running"
    services.submission_review(submission=sub, actor=manager, accept=True)
    plan.refresh_from_db()
    assert plan.status == "completed"
    who = dict(plan.tasks.values_list("kind", "completed_by__email"))
    assert who == {
        "asset": world.member_a.email,
        "profile": world.admin_a.email,
        "course": world.member_a.email,
        "certification": world.member_a.email,
        "signoff": manager.email,
        "upload": manager.email,
    }


def test_lms_completion_completes_the_onboarding_task(
    client, world, course, certification, manager, template, django_capture_on_commit_callbacks
):
    lms = make_lms("academy", partners=[world.partner_a])
    external = CourseFactory(title="Advanced delivery", external_lms=lms, external_id="ADV-101")
    template.tasks.filter(kind=TaskKind.COURSE).update(course=external)
    plan = services.plan_start(partner=world.partner_a, owner=manager)
    with django_capture_on_commit_callbacks(execute=True):  # training tells onboarding after commit
        post(client, lms, completion(world, external))
    assert plan.tasks.get(kind=TaskKind.COURSE).status == "done"
