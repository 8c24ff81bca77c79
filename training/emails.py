"""Notifications and e-mails of hands-on exercises, sent by a task after commit in each
recipient's language (prm.notifications.center: one row per person and event)."""

from django.conf import settings
from django.urls import reverse

from prm.notifications.center import notify
from prm.notifications.emails import templates
from prm.notifications.recipients import assigned_managers, is_current_member
from training.models import ExerciseSubmission


def _submission(pk: int) -> ExerciseSubmission | None:
    return (
        ExerciseSubmission.objects.select_related("lesson__course", "partner", "user", "reviewer")
        .filter(pk=pk)
        .first()
    )


def exercise_submitted(pk: int) -> None:
    """Tell the assigned reviewer (or, without one, the partner's channel managers)."""
    submission = _submission(pk)
    if submission is None or not submission.is_waiting:
        return
    reviewer = submission.reviewer
    recipients = (
        [reviewer] if reviewer is not None and reviewer.is_active else assigned_managers(submission.partner)
    )
    path = reverse("training:staff_exercise", args=[submission.pk])
    notify(
        kind="exercise_submitted",
        recipients=recipients,
        event_key=f"exercise:{submission.pk}:submitted",
        params={
            "learner": submission.user.get_full_name() or submission.user.email,
            "partner": submission.partner.name,
            "exercise": submission.lesson.title,
        },
        url=path,
        partner_id=submission.partner_id,
        email={
            **templates("training/emails/exercise_submitted"),
            "context": {"submission": submission, "url": settings.SITE_URL + path},
        },
    )


def exercise_reviewed(pk: int) -> None:
    """Tell the learner the grade, with the reviewer's feedback."""
    submission = _submission(pk)
    if submission is None or submission.is_waiting:
        return
    if not is_current_member(submission.user, submission.partner_id):
        return  # someone who left the partner hears nothing more about it
    variant = submission.status  # "passed" or "returned"
    lesson = submission.lesson
    path = reverse("training:lesson", args=[lesson.course.slug, lesson.pk])
    notify(
        kind="exercise_reviewed",
        recipients=[submission.user],
        event_key=f"exercise:{submission.pk}:{variant}",
        params={"exercise": lesson.title, "variant": variant},
        url=path,
        partner_id=submission.partner_id,
        email={
            **templates("training/emails/exercise_reviewed"),
            "context": {"submission": submission, "variant": variant, "url": settings.SITE_URL + path},
        },
    )
