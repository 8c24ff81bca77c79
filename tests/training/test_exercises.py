"""Hands-on exercises (issue 30, part 6): a learner submits work (text, link, files) to an
exercise lesson; its assigned reviewer grades it against the rubric, passes it or returns it
with feedback; the learner submits again; a passed exercise completes the lesson, and a
course (and so a certification) needs its exercises passed as well as its quiz."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prm.models import AuditEvent
from tests.training.factories import CertificationFactory, CourseFactory, LessonFactory, quiz
from training import services
from training.models import Enrollment, ExerciseSubmission, Lesson, UserCertification

pytestmark = pytest.mark.django_db

RUBRIC = "Runs the sample project\nExplains the sizing choice"


@pytest.fixture
def exercise(world):
    """A course of one reading lesson, one exercise (reviewer: manager_a) and a one-question
    quiz, required by a certification."""
    course = CourseFactory(title="Hands-on deployment", slug="hands-on", pass_mark=100)
    LessonFactory(course=course, position=1, title="Read first")
    lesson = LessonFactory(
        course=course,
        position=2,
        title="Deploy the sample",
        kind=Lesson.Kind.EXERCISE,
        body="Deploy the **sample** and send the address.",
        rubric=RUBRIC,
        reviewer=world.manager_a,
    )
    answers = quiz(course, n=1)
    cert = CertificationFactory(name="Deployment practitioner")
    cert.courses.add(course)
    return {"course": course, "lesson": lesson, "right": answers[0][0], "cert": cert}


def _url(exercise):
    return reverse("training:lesson", args=[exercise["course"].slug, exercise["lesson"].pk])


def _submit(client, exercise, **data):
    return client.post(_url(exercise), data)


def _grade(client, submission, *, met, decision, feedback=""):
    data = {f"c{i}": "on" for i, ok in enumerate(met) if ok}
    data.update(decision=decision, feedback=feedback)
    return client.post(reverse("training:staff_exercise", args=[submission.pk]), data)


def test_submit_return_resubmit_pass_completes_course_and_certifies(
    world, client_for, exercise, django_capture_on_commit_callbacks
):
    learner, reviewer = client_for(world.member_a), client_for(world.manager_a)
    page = learner.get(_url(exercise))
    assert page.status_code == 200
    assert "Runs the sample project" in page.text and 'name="files"' in page.text

    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 sizing notes", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(learner, exercise, text="Deployed.", link="example.com/demo", files=[pdf])
    assert response.status_code == 302
    first = ExerciseSubmission.objects.get()
    assert (first.status, first.attempt, first.reviewer, first.partner) == (
        "submitted",
        1,
        world.manager_a,
        world.partner_a,
    )
    assert first.link == "https://example.com/demo" and first.files.get().name == "plan.pdf"
    assert [m.to for m in mail.outbox] == [[world.manager_a.email]]
    assert reverse("training:staff_exercise", args=[first.pk]) in mail.outbox[0].body
    # While it waits, no second attempt.
    assert "exercise-waiting" in learner.get(_url(exercise)).text
    with pytest.raises(services.TrainingError):
        services.exercise_submit(
            enrollment=first.enrollment, lesson=exercise["lesson"], text="again", files=()
        )

    # Returning needs feedback; passing needs every criterion.
    assert _grade(reviewer, first, met=[True, False], decision="return").status_code == 400
    assert _grade(reviewer, first, met=[True, False], decision="pass").status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _grade(
            reviewer, first, met=[True, False], decision="return", feedback="Explain the sizing."
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "returned" and first.reviewed_by == world.manager_a
    assert first.rubric_results == [
        {"criterion": "Runs the sample project", "met": True},
        {"criterion": "Explains the sizing choice", "met": False},
    ]
    assert [m.to for m in mail.outbox] == [[world.member_a.email]]
    assert "Explain the sizing." in mail.outbox[0].body
    page = learner.get(_url(exercise)).text
    assert "Explain the sizing." in page and 'name="text"' in page  # feedback shown, form back

    with django_capture_on_commit_callbacks(execute=True):
        _submit(learner, exercise, text="Deployed; sized for 200 users because ...")
    second = ExerciseSubmission.objects.get(status="submitted")
    assert second.attempt == 2

    # The quiz alone does not pass the course while the exercise is open.
    learner.post(
        reverse("training:quiz", args=[exercise["course"].slug]),
        {f"q{exercise['right'].question_id}": exercise["right"].pk},
    )
    enrollment = Enrollment.objects.get(user=world.member_a, course=exercise["course"])
    assert enrollment.best_score == 100 and enrollment.passed_at is None
    assert not UserCertification.objects.filter(user=world.member_a).exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _grade(reviewer, second, met=[True, True], decision="pass").status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.passed_at is not None
    assert exercise["lesson"] in enrollment.completed_lessons.all()
    assert UserCertification.objects.filter(user=world.member_a, certification=exercise["cert"]).exists()
    assert [m.to for m in mail.outbox if "Deploy the sample" in m.subject] == [[world.member_a.email]]
    assert "exercise-passed" in learner.get(_url(exercise)).text
    actions = set(AuditEvent.objects.filter(partner_id=world.partner_a.pk).values_list("action", flat=True))
    assert {
        "training.exercise_submitted",
        "training.exercise_returned",
        "training.exercise_passed",
    } <= actions


def test_exercise_passed_after_quiz_passes_the_course(world, exercise, django_capture_on_commit_callbacks):
    """The other order: quiz first, then the exercise's pass completes the course."""
    enrollment = services.enrollment_get_or_create(
        course=exercise["course"], user=world.member_a, partner=world.partner_a
    )
    services.quiz_submit(enrollment=enrollment, answers={exercise["right"].question_id: exercise["right"].pk})
    submission = services.exercise_submit(enrollment=enrollment, lesson=exercise["lesson"], text="Done")
    services.exercise_review(submission=submission, actor=world.manager_a, passed=True, met=[True, True])
    enrollment.refresh_from_db()
    assert enrollment.passed_at is not None


def test_grading_guards(world, client_for, exercise):
    enrollment = services.enrollment_get_or_create(
        course=exercise["course"], user=world.member_a, partner=world.partner_a
    )
    submission = services.exercise_submit(enrollment=enrollment, lesson=exercise["lesson"], text="Work")
    # A manager outside the partner's scope neither sees nor grades it; support sees, cannot grade.
    assert (
        _grade(client_for(world.manager_other), submission, met=[True, True], decision="pass").status_code
        == 404
    )
    assert (
        client_for(world.support).get(reverse("training:staff_exercise", args=[submission.pk])).status_code
        == 200
    )
    assert _grade(client_for(world.support), submission, met=[True, True], decision="pass").status_code == 403
    for kwargs in (
        {"passed": True, "met": [True, False]},
        {"passed": False, "met": [True, True]},
        {"passed": True, "met": [True]},
    ):
        with pytest.raises(services.TrainingError):
            services.exercise_review(submission=submission, actor=world.manager_a, **kwargs)
    with pytest.raises(services.TrainingError):
        services.exercise_review(submission=submission, actor=world.support, passed=True, met=[True, True])
    # An exercise is not "marked done" by the learner.
    with pytest.raises(services.TrainingError):
        services.lesson_complete(enrollment=enrollment, lesson=exercise["lesson"])
    services.exercise_review(submission=submission, actor=world.manager_a, passed=True, met=[True, True])
    with pytest.raises(services.TrainingError):  # graded once
        services.exercise_review(
            submission=submission, actor=world.manager_a, passed=False, met=[True, True], feedback="x"
        )
    with pytest.raises(services.TrainingError):  # passed: no more attempts
        services.exercise_submit(enrollment=enrollment, lesson=exercise["lesson"], text="More")


def test_hostile_submissions_are_refused(world, client_for, exercise, settings):
    settings.PRM_EXERCISE_FILE_MAX_BYTES = 100
    learner = client_for(world.member_a)
    big = SimpleUploadedFile("big.txt", b"x" * 101, content_type="text/plain")
    assert _submit(learner, exercise, files=[big]).status_code == 400
    many = [SimpleUploadedFile(f"{i}.txt", b"ok", content_type="text/plain") for i in range(6)]
    assert _submit(learner, exercise, files=many).status_code == 400
    assert _submit(learner, exercise).status_code == 400  # nothing at all
    assert _submit(learner, exercise, link="javascript:alert(1)").status_code == 400
    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert _submit(learner, exercise, files=[fake]).status_code == 400
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert _submit(learner, exercise, files=[exe]).status_code == 400
    assert not ExerciseSubmission.objects.exists()


def test_files_are_private_to_the_learner_and_the_reviewers(world, client_for, exercise):
    _submit(
        client_for(world.member_a),
        exercise,
        files=[SimpleUploadedFile("a.txt", b"alpha work", content_type="text/plain")],
    )
    item = ExerciseSubmission.objects.get().files.get()
    partner_url = reverse("training:exercise_file", args=[item.pk])
    staff_url = reverse("training:staff_exercise_file", args=[item.pk])
    assert b"".join(client_for(world.member_a).get(partner_url).streaming_content) == b"alpha work"
    assert client_for(world.admin_a).get(partner_url).status_code == 404  # another person's work
    assert client_for(world.admin_b).get(partner_url).status_code == 404
    assert client_for(world.manager_a).get(staff_url).status_code == 200
    assert client_for(world.manager_other).get(staff_url).status_code == 404


def test_exercise_needs_rubric_and_reviewer():
    from django.core.exceptions import ValidationError

    lesson = LessonFactory.build(course=CourseFactory(), kind=Lesson.Kind.EXERCISE, rubric=" \n")
    with pytest.raises(ValidationError) as error:
        lesson.full_clean()
    assert {"rubric", "reviewer"} <= set(error.value.message_dict)


def test_review_queue_lists_waiting_work_in_scope(world, client_for, exercise, django_assert_max_num_queries):
    for user in (world.member_a, world.admin_a):
        enrollment = services.enrollment_get_or_create(
            course=exercise["course"], user=user, partner=world.partner_a
        )
        services.exercise_submit(enrollment=enrollment, lesson=exercise["lesson"], text="Work")
    manager = client_for(world.manager_a)
    manager.get(reverse("training:staff_exercises"))  # warm the session and the layout
    with django_assert_max_num_queries(12):
        page = manager.get(reverse("training:staff_exercises")).text
    assert page.count("data-submission=") == 2
    assert (
        "data-submission="
        not in client_for(world.manager_other).get(reverse("training:staff_exercises")).text
    )
    assert (
        "data-submission="
        in client_for(world.manager_a).get(reverse("training:staff_exercises") + "?mine=1").text
    )


def test_the_partner_export_carries_its_submissions(world):
    """Offboarding's export (privacy.registry): A's submissions, with their files, not B's."""
    from privacy import registry
    from tests.training.factories import exercise_submission

    submission = exercise_submission(world, text="Alpha answer")
    submission.files.create(name="alpha.pdf", content_type="application/pdf", size=3, file="x/alpha.pdf")
    (section,) = [s for s in registry.export_sections() if s.key == "exercise-submissions"]
    rows = [[column.value(row) for column in section.columns] for row in section.rows(world.partner_a)]
    assert len(rows) == 1 and "Alpha answer" in rows[0] and "alpha.pdf" in rows[0]
    assert list(section.rows(world.partner_b)) == [] and section.count(world.partner_a) == 1


def test_a_course_without_quiz_passes_with_its_last_exercise(world):
    course = CourseFactory()
    reading = LessonFactory(course=course, position=1)
    task = LessonFactory(
        course=course, position=2, kind=Lesson.Kind.EXERCISE, rubric="Works", reviewer=world.manager_a
    )
    enrollment = services.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    services.lesson_complete(enrollment=enrollment, lesson=reading)
    enrollment.refresh_from_db()
    assert enrollment.passed_at is None  # the exercise is still open
    submission = services.exercise_submit(enrollment=enrollment, lesson=task, link="https://example.com/x")
    services.exercise_review(submission=submission, actor=world.manager_a, passed=True, met=[True])
    enrollment.refresh_from_db()
    assert enrollment.passed_at is not None
    # A retake keeps the reviewer's pass: the exercise stays done.
    services.course_retake(enrollment=enrollment)
    assert list(enrollment.completed_lessons.all()) == [task]
