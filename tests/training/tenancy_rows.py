"""Training's pages in the URL-by-role matrix. Their data (partner A's plan, a course, a
certificate earned by A's member) is made once per world by onboarding's rows: a task title
of A's plan and A's member's name are what must not leak."""

from tests.onboarding.tenancy_rows import STAFF_OBJECT_A, a_data, a_leaks, setup
from tests.tenancy import PARTNER, PUBLIC, ROLES, STAFF, Row, expect

A_EXERCISE_ANSWER = "Alpha exercise answer 9c2e"

ROWS = [
    Row("training:index", PARTNER, kwargs=setup, leaks=a_leaks),
    Row("training:course", PARTNER, kwargs=lambda w: {"slug": a_data(w)["course"].slug}, leaks=a_leaks),
    Row(
        "training:lesson",
        PARTNER,
        kwargs=lambda w: {"slug": a_data(w)["course"].slug, "pk": a_data(w)["lesson"].pk},
        leaks=a_leaks,
    ),
    Row("training:quiz", PARTNER, kwargs=lambda w: {"slug": a_data(w)["course"].slug}, leaks=a_leaks),
    # The certificate page is public by design: whoever holds the unguessable link may verify it.
    Row(
        "training:certificate",
        PUBLIC,
        kwargs=lambda w: {"code": a_data(w)["award"].code},
        insiders=set(ROLES),
    ),
    # Unsigned calls are refused for everyone; a signature, not a session, authenticates the LMS.
    Row(
        "training:lms_webhook",
        expect(403),
        kwargs=lambda w: {"slug": _lms(w).slug},
        method="post",
    ),
    # Exercises: the exercise page shows only the person's own attempts; the files are the
    # learner's and the reviewers' (anonymous: 404, a file URL tells nobody it exists).
    Row(
        "training:lesson",
        PARTNER,
        kwargs=lambda w: {"slug": _exercise(w)["course"].slug, "pk": _exercise(w)["lesson"].pk},
        leaks=lambda w: [A_EXERCISE_ANSWER],
        insiders={"member_a"},
    ),
    Row(
        "training:exercise_file",
        expect(404, member_a=200),
        kwargs=lambda w: {"pk": _exercise(w)["file"].pk},
    ),
    Row(
        "training:staff_exercises",
        STAFF,
        kwargs=lambda w: _exercise(w) and {},
        leaks=lambda w: [w.member_a.get_full_name()],
    ),
    Row(
        "training:staff_exercise",
        STAFF_OBJECT_A,
        kwargs=lambda w: {"pk": _exercise(w)["submission"].pk},
        leaks=lambda w: [A_EXERCISE_ANSWER],
    ),
    Row(
        "training:staff_exercise_file",
        {**STAFF_OBJECT_A, "anon": 404},
        kwargs=lambda w: {"pk": _exercise(w)["file"].pk},
    ),
]


def _exercise(w):
    """An exercise course with one submission (text and a file) by A's member, reviewed by
    A's manager (once per world)."""
    if getattr(w, "_exercise", None):
        return w._exercise
    from django.core.files.base import ContentFile

    from training.models import Course, Enrollment, ExerciseSubmission, Lesson, SubmissionFile

    course = Course.objects.create(title="Exercise course", slug="exercise-course", is_published=True)
    lesson = Lesson.objects.create(
        course=course,
        title="Hands-on task",
        kind=Lesson.Kind.EXERCISE,
        body="Do it",
        rubric="Works",
        reviewer=w.manager_a,
    )
    enrollment = Enrollment.objects.create(course=course, user=w.member_a, partner=w.partner_a)
    submission = ExerciseSubmission.objects.create(
        enrollment=enrollment,
        lesson=lesson,
        partner=w.partner_a,
        user=w.member_a,
        text=A_EXERCISE_ANSWER,
        reviewer=w.manager_a,
    )
    item = SubmissionFile(submission=submission, name="alpha.txt", content_type="text/plain", size=5)
    item.file.save("alpha.txt", ContentFile(b"alpha"), save=False)
    item.save()
    w._exercise = {"course": course, "lesson": lesson, "submission": submission, "file": item}
    return w._exercise


def _lms(w):
    from training.models import ExternalLMS

    return ExternalLMS.objects.get_or_create(slug="tenancy-lms", defaults={"name": "LMS"})[0]
