"""Reads shared by training's views and the apps above it (onboarding, incentives, the API,
the dashboard)."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from prm.access.scoping import scoped, sees_every_partner
from prm.tenancy import partners_for_staff
from training.models import Enrollment, ExerciseSubmission, Lesson, UserCertification


def valid_certifications(*, as_of: date):
    """Earned certifications valid on `as_of` (rows with partner_id and user_id): the tier
    thresholds count the people of each partner in them."""
    return UserCertification.objects.valid_on(as_of)


def first_pass(partner, *, course_id: int) -> Enrollment | None:
    """The partner's earliest passed enrollment in a course (with its user), else None."""
    return (
        Enrollment.objects.for_partner(partner)
        .filter(course_id=course_id, passed_at__isnull=False)
        .select_related("user")
        .order_by("passed_at")
        .first()
    )


def valid_certification(partner, *, certification_id: int, on: date) -> UserCertification | None:
    """One of the partner's certificates of a certification valid on `on`, else None."""
    return (
        UserCertification.objects.for_partner(partner)
        .valid_on(on)
        .filter(certification_id=certification_id)
        .select_related("user")
        .first()
    )


def expiring_certification_ids(today: date, *, within_days: int = 30):
    """Valid, unrevoked certificates whose validity ends within `within_days` (ids)."""
    return UserCertification.objects.filter(
        revoked=False, valid_until__gte=today, valid_until__lte=today + timedelta(days=within_days)
    ).values_list("pk", flat=True)


def certification_rows(partners, *, today: date | None = None, horizon_days: int = 60) -> list[dict]:
    today = today or timezone.localdate()
    year_ago = today - timedelta(days=365)
    rows = (
        scoped(UserCertification.objects.filter(revoked=False), partners)
        .values("certification__name")
        .annotate(
            earned_12m=Count("id", filter=Q(issued_on__gt=year_ago)),
            valid=Count("id", filter=Q(issued_on__lte=today, valid_until__gte=today)),
            expiring=Count(
                "id", filter=Q(valid_until__gte=today, valid_until__lte=today + timedelta(days=horizon_days))
            ),
        )
        .order_by("certification__name")
    )
    return list(rows)


def partner_certifications(partner):
    """Every certification the partner's people earned (valid, expired and revoked)."""
    return UserCertification.objects.for_partner(partner).select_related("certification", "user")


# --- Hands-on exercises ---------------------------------------------------------------


def passed_exercise_ids(enrollment: Enrollment) -> list[int]:
    """The exercise lessons of the enrollment passed by a reviewer."""
    return list(
        ExerciseSubmission.objects.filter(
            enrollment=enrollment, status=ExerciseSubmission.Status.PASSED
        ).values_list("lesson_id", flat=True)
    )


def exercises_open(enrollment: Enrollment) -> bool:
    """True while an exercise of the course has no passed submission of this enrollment."""
    return (
        Lesson.objects.filter(course_id=enrollment.course_id, kind=Lesson.Kind.EXERCISE)
        .exclude(pk__in=passed_exercise_ids(enrollment))
        .exists()
    )


def course_requirements_met(enrollment: Enrollment) -> bool:
    """Every exercise passed, and the quiz passed (best score at the pass mark) or, for a
    course without a quiz, every lesson done."""
    course = enrollment.course
    if exercises_open(enrollment):
        return False
    if course.questions.exists():
        return enrollment.best_score is not None and enrollment.best_score >= course.pass_mark
    return enrollment.completed_lessons.count() >= course.lessons.count()


def exercise_submissions_for_staff(user):
    """Submissions a staff user may see: those assigned to them, and every submission of the
    partners in their scope."""
    visible = partners_for_staff(user)
    if sees_every_partner(visible):
        return ExerciseSubmission.objects.all()
    return ExerciseSubmission.objects.filter(Q(reviewer=user) | Q(partner__in=visible))


def may_review(user, submission: ExerciseSubmission) -> bool:
    """The assigned reviewer grades; a channel manager who sees the partner may stand in."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    if submission.reviewer_id == user.pk:
        return True
    return user.is_channel_manager and partners_for_staff(user).filter(pk=submission.partner_id).exists()
