"""Writes for training: enrollment, lessons, quizzes, certifications and the external LMS
webhook. What a passed course or an earned certification means elsewhere (an onboarding task
done) is told upwards with `training.signals`, after commit."""

import calendar
import hashlib
import hmac
import json
import secrets
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from partners.models import Membership
from prm.audit.log import audit, audit_many
from prm.webhooks import outbox
from prm.webhooks import registry as webhook_registry
from training import queries, signals
from training.models import (
    Course,
    Enrollment,
    ExerciseSubmission,
    ExternalLMS,
    Lesson,
    LmsEvent,
    QuizAttempt,
    SubmissionFile,
    UserCertification,
)


class TrainingError(Exception):
    """The one domain error of this app; the message is translated and shown to the user."""


def enrollment_get_or_create(*, course: Course, user, partner) -> Enrollment:
    enrollment, created = Enrollment.objects.get_or_create(
        course=course, user=user, defaults={"partner": partner}
    )
    if created:
        audit(actor=user, action="training.enrolled", target=enrollment, partner=partner)
    return enrollment


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> Enrollment:
    if lesson.course_id != enrollment.course_id:
        raise TrainingError(_("This lesson belongs to another course."))
    if lesson.is_exercise:
        raise TrainingError(_("An exercise is done when its reviewer passes your submission."))
    enrollment.completed_lessons.add(lesson)
    audit(
        actor=enrollment.user,
        action="training.lesson_completed",
        target=enrollment,
        partner=enrollment.partner_id,
    )
    course = enrollment.course
    # A course without a quiz is passed by finishing its lessons.
    if (
        enrollment.passed_at is None
        and not course.questions.exists()
        and enrollment.completed_lessons.count() >= course.lessons.count()
    ):
        _course_passed(enrollment, score=None)
    return enrollment


def quiz_score(course: Course, answers: dict[int, int]) -> int:
    """Percentage of questions answered with a correct choice."""
    questions = list(course.questions.prefetch_related("choices"))
    if not questions:
        return 100
    right = 0
    for q in questions:
        chosen = answers.get(q.pk)
        if any(c.pk == chosen and c.is_correct for c in q.choices.all()):
            right += 1
    return round(100 * right / len(questions))


class QuizLocked(Exception):
    """No attempt now: the day's attempts are used up or the cool-down after a failed one runs."""

    def __init__(self, until):
        super().__init__(f"next attempt at {until.isoformat()}")
        self.until = until


def quiz_next_attempt_at(enrollment: Enrollment | None, *, now=None):
    """When the person may take the quiz again, or None for "now".

    Limits (settings): TRAINING_QUIZ_ATTEMPTS_PER_DAY attempts per local day, and
    TRAINING_QUIZ_COOLDOWN_MINUTES after an attempt that did not pass. With the score of a
    failed attempt hidden too, guessing the answers one change at a time takes weeks."""
    if enrollment is None:
        return None
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = list(
        QuizAttempt.objects.filter(enrollment=enrollment, created_at__gte=day_start)
        .order_by("-created_at")
        .values_list("created_at", "passed")[: settings.TRAINING_QUIZ_ATTEMPTS_PER_DAY]
    )
    if len(today) >= settings.TRAINING_QUIZ_ATTEMPTS_PER_DAY:
        return day_start + timedelta(days=1)
    if today and not today[0][1]:
        until = today[0][0] + timedelta(minutes=settings.TRAINING_QUIZ_COOLDOWN_MINUTES)
        if until > now:
            return until
    return None


@transaction.atomic
def quiz_submit(*, enrollment: Enrollment, answers: dict[int, int], now=None) -> QuizAttempt:
    """Score one attempt; raises QuizLocked when the person may not take the quiz now (the
    enrollment row is locked, so two simultaneous submissions cannot both slip through)."""
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    until = quiz_next_attempt_at(enrollment, now=now)
    if until is not None:
        raise QuizLocked(until)
    course = enrollment.course
    score = quiz_score(course, answers)
    passed = score >= course.pass_mark
    attempt = QuizAttempt.objects.create(
        enrollment=enrollment,
        score=score,
        passed=passed,
        answers={str(k): v for k, v in answers.items()},
        created_at=now or timezone.now(),
    )
    if enrollment.best_score is None or score > enrollment.best_score:
        enrollment.best_score = score
        enrollment.save(update_fields=["best_score"])
    audit(
        actor=enrollment.user,
        action="training.quiz_taken",
        target=enrollment,
        partner=enrollment.partner_id,
        score=score,
        passed=passed,
    )
    # A course with exercises is passed once the quiz and every exercise are.
    if passed and enrollment.passed_at is None and not queries.exercises_open(enrollment):
        _course_passed(enrollment, score=score)
    return attempt


def _course_passed(enrollment: Enrollment, *, score: int | None) -> None:
    enrollment.passed_at = timezone.now()
    fields = ["passed_at"]
    if score is not None and (enrollment.best_score or 0) < score:
        enrollment.best_score = score
        fields.append("best_score")
    enrollment.save(update_fields=fields)
    audit(
        actor=enrollment.user,
        action="training.course_passed",
        target=enrollment,
        partner=enrollment.partner_id,
    )
    transaction.on_commit(
        lambda: signals.course_passed.send(
            sender=Enrollment,
            enrollment_id=enrollment.pk,
            course_id=enrollment.course_id,
            partner=enrollment.partner,
            user=enrollment.user,
        )
    )
    _award_certifications(enrollment)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _certified_on_commit(uc: UserCertification) -> None:
    """`certified`, once the certificate is committed (onboarding ticks its tasks)."""
    transaction.on_commit(
        partial(
            signals.certified.send,
            sender=UserCertification,
            user_certification_id=uc.pk,
            certification_id=uc.certification_id,
            partner=uc.partner,
            user=uc.user,
        )
    )


def _award_certifications(enrollment: Enrollment) -> list[UserCertification]:
    """Award every certification whose required courses the person has all passed."""
    today = timezone.localdate()
    passed = set(
        Enrollment.objects.filter(user=enrollment.user, passed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    awarded = []
    for cert in enrollment.course.certifications.prefetch_related("courses"):
        required = {c.pk for c in cert.courses.all()}
        if not required or not required <= passed:
            continue
        current = UserCertification.objects.filter(user=enrollment.user, certification=cert).valid_on(today)
        # Renewal: a new certificate once the current one is within its renewal window.
        if current.filter(valid_until__gt=today + timedelta(days=RENEWAL_WINDOW_DAYS)).exists():
            continue
        if UserCertification.objects.filter(
            user=enrollment.user, certification=cert, issued_on=today
        ).exists():
            continue
        uc = UserCertification.objects.create(
            certification=cert,
            user=enrollment.user,
            partner=enrollment.partner,
            issued_on=today,
            valid_until=add_months(today, cert.validity_months),
        )
        audit(actor=enrollment.user, action="training.certified", target=uc, partner=enrollment.partner_id)
        _certified_on_commit(uc)
        awarded.append(uc)
    return awarded


RENEWAL_WINDOW_DAYS = 60


# --- Hands-on exercises ---------------------------------------------------------------


def _notify_on_commit(event: str, pk: int) -> None:
    from training import tasks

    tasks.notify.delay_on_commit(event, pk)


@transaction.atomic
def exercise_submit(
    *, enrollment: Enrollment, lesson: Lesson, text: str = "", link: str = "", files=()
) -> ExerciseSubmission:
    """A learner's attempt at an exercise: text, a link and checked files as
    (upload, content type) pairs. Assigned to the exercise's reviewer, who is told."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if lesson.course_id != enrollment.course_id or not lesson.is_exercise:
        raise TrainingError(_("This is not an exercise of your course."))
    if not (text.strip() or link or files):
        raise TrainingError(_("Write an answer, give a link or attach a file."))
    earlier = ExerciseSubmission.objects.filter(enrollment=enrollment, lesson=lesson)
    if earlier.filter(status=ExerciseSubmission.Status.PASSED).exists():
        raise TrainingError(_("You have already passed this exercise."))
    if earlier.filter(status=ExerciseSubmission.Status.SUBMITTED).exists():
        raise TrainingError(
            _("Your submission is waiting for review; you can submit again if it is returned.")
        )
    submission = ExerciseSubmission.objects.create(
        enrollment=enrollment,
        lesson=lesson,
        partner_id=enrollment.partner_id,
        user=enrollment.user,
        attempt=earlier.count() + 1,
        text=text.strip(),
        link=link,
        reviewer=lesson.reviewer,
    )
    for upload, content_type in files:
        SubmissionFile.objects.create(
            submission=submission,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
        )
    audit(
        actor=enrollment.user,
        action="training.exercise_submitted",
        target=submission,
        partner=enrollment.partner_id,
        attempt=submission.attempt,
        files=len(files),
    )
    _notify_on_commit("exercise_submitted", submission.pk)
    return submission


@transaction.atomic
def exercise_review(
    *, submission: ExerciseSubmission, actor, passed: bool, met: list[bool], feedback: str = ""
) -> ExerciseSubmission:
    """Grade a waiting submission against the rubric (`met`: one answer per criterion, in
    order). Pass needs every criterion met; returning it needs feedback for the learner.
    A pass completes the exercise lesson and may pass the course (and award certifications)."""
    submission = (
        ExerciseSubmission.objects.select_for_update()
        .select_related("lesson", "enrollment__course", "enrollment__user", "enrollment__partner")
        .get(pk=submission.pk)
    )
    if not queries.may_review(actor, submission):
        raise TrainingError(
            _("Only the assigned reviewer or a channel manager of this partner can grade it.")
        )
    if submission.status != ExerciseSubmission.Status.SUBMITTED:
        raise TrainingError(_("This submission has already been graded."))
    criteria = submission.lesson.criteria
    if len(met) != len(criteria):
        raise TrainingError(_("Answer every criterion of the rubric."))
    feedback = feedback.strip()
    if passed and not all(met):
        raise TrainingError(_("A submission passes only when every criterion is met."))
    if not passed and not feedback:
        raise TrainingError(_("Say what to change: returned work needs feedback."))
    submission.status = ExerciseSubmission.Status.PASSED if passed else ExerciseSubmission.Status.RETURNED
    submission.rubric_results = [{"criterion": c, "met": m} for c, m in zip(criteria, met, strict=True)]
    submission.feedback = feedback
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor
    submission.save(update_fields=["status", "rubric_results", "feedback", "reviewed_at", "reviewed_by"])
    audit(
        actor=actor,
        action="training.exercise_passed" if passed else "training.exercise_returned",
        target=submission,
        partner=submission.partner_id,
        attempt=submission.attempt,
        met=sum(met),
        criteria=len(criteria),
    )
    enrollment = (
        Enrollment.objects.select_for_update().select_related("course").get(pk=submission.enrollment_id)
    )
    if passed:
        enrollment.completed_lessons.add(submission.lesson)
        if enrollment.passed_at is None and queries.course_requirements_met(enrollment):
            _course_passed(enrollment, score=None)
    _notify_on_commit("exercise_reviewed", submission.pk)
    return submission


# --- bulk import (the imports app) ---------------------------------------------------------


@transaction.atomic
def certifications_import_many(*, rows, actor) -> list[UserCertification]:
    """Certificates people already hold, brought in by an import: `rows` are (user, partner,
    certification, issued on, valid until or None for the certification's validity). One
    insert and one insert of audit rows; `certified` is sent for each once the import has
    committed, as for a certificate earned in the portal (onboarding tasks, tier counts)."""
    awards = [
        UserCertification(
            certification=cert,
            user=user,
            partner=partner,
            issued_on=issued_on,
            valid_until=valid_until or add_months(issued_on, cert.validity_months),
        )
        for user, partner, cert, issued_on, valid_until in rows
    ]
    UserCertification.objects.bulk_create(awards)
    audit_many(
        actor=actor,
        action="training.certified",
        model=UserCertification,
        rows=((uc.pk, str(uc), uc.partner_id, {"imported": True}) for uc in awards),
    )
    for event_type in webhook_registry.for_action("training.certified", {}):
        outbox.publish_many(event_type, [(uc.pk, uc.partner_id) for uc in awards])
    for uc in awards:
        _certified_on_commit(uc)
    return awards


@transaction.atomic
def certification_import_update(*, award: UserCertification, valid_until: date, actor) -> UserCertification:
    """A corrected validity from an import (the certificate itself is the same)."""
    award = UserCertification.objects.select_for_update().get(pk=award.pk)
    if award.valid_until != valid_until:
        changes = {"valid_until": [award.valid_until.isoformat(), valid_until.isoformat()]}
        award.valid_until = valid_until
        award.save(update_fields=["valid_until", "updated_at"])
        audit(actor=actor, action="training.certificate_updated", target=award, changes=changes)
    return award


@transaction.atomic
def course_retake(*, enrollment: Enrollment) -> Enrollment:
    """Start a course again to renew an expiring certification."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.passed_at = None
    enrollment.best_score = None
    enrollment.save(update_fields=["passed_at", "best_score"])
    enrollment.completed_lessons.clear()
    # Exercises once passed stay passed: a reviewer's grade is not taken back by a retake.
    enrollment.completed_lessons.add(*queries.passed_exercise_ids(enrollment))
    audit(
        actor=enrollment.user,
        action="training.course_restarted",
        target=enrollment,
        partner=enrollment.partner_id,
    )
    return enrollment


# --- External LMS webhook -------------------------------------------------------------

REPLAY_WINDOW_SECONDS = 300


class WebhookRejected(Exception):
    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason, self.status = reason, status


def lms_signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# The shared secret of an LMS is HMAC(SECRET_KEY, a random salt): the database keeps the
# salt and a fingerprint, never the secret, so a copy of the database (a backup, an export,
# a manager's screen) cannot sign webhooks. A plain hash would not do: checking an HMAC
# signature needs the key itself. Rotating SECRET_KEY keeps old secrets valid while the old
# key is in SECRET_KEY_FALLBACKS. The salt keeps the name it had when training was part of
# onboarding: every LMS secret already handed out derives from it.
LMS_SECRET_SALT = "onboarding.lms.secret"  # noqa: S105 - a key salt (namespace), not a secret


def _lms_key(salt: str, secret_key: str) -> str:
    return salted_hmac(LMS_SECRET_SALT, salt, secret=secret_key, algorithm="sha256").hexdigest()


def lms_secret_fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


@transaction.atomic
def lms_secret_rotate(*, lms: ExternalLMS, actor) -> str:
    """Make a new shared secret for `lms` and return it (to be shown once). The previous
    secret stops working at once."""
    lms = ExternalLMS.objects.select_for_update().get(pk=lms.pk)
    lms.secret_salt = secrets.token_hex(16)
    secret = _lms_key(lms.secret_salt, settings.SECRET_KEY)
    lms.secret_fingerprint = lms_secret_fingerprint(secret)
    lms.secret_rotated_at = timezone.now()
    lms.save(update_fields=["secret_salt", "secret_fingerprint", "secret_rotated_at"])
    audit(actor=actor, action="lms.secret_rotated", target=lms, fingerprint=lms.secret_fingerprint)
    return secret


def _lms_keys(lms: ExternalLMS) -> list[str]:
    if not lms.secret_salt:
        return []
    return [_lms_key(lms.secret_salt, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def _signed(lms: ExternalLMS, *, timestamp: str, signature: str, body: bytes) -> bool:
    given = (signature or "").strip().lower()
    return bool(given) and any(
        hmac.compare_digest(lms_signature(key, timestamp or "", body), given) for key in _lms_keys(lms)
    )


def lms_webhook_receive(*, lms: ExternalLMS, timestamp: str, signature: str, body: bytes) -> str:
    """Verify and apply one LMS event. Returns the outcome; raises WebhookRejected.

    Signature: hex HMAC-SHA256 over "<timestamp>.<body>" with the LMS's shared secret.
    Timestamps outside the replay window are rejected; an event id seen before is a no-op.
    """
    if not lms.is_active:
        raise WebhookRejected("inactive", 404)
    if not _signed(lms, timestamp=timestamp, signature=signature, body=body):
        raise WebhookRejected("bad signature")
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise WebhookRejected("bad timestamp", 400) from exc
    if abs(timezone.now().timestamp() - sent) > REPLAY_WINDOW_SECONDS:
        raise WebhookRejected("stale timestamp")
    try:
        payload = json.loads(body)
        event_id = str(payload["event_id"])[:120]
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookRejected("bad payload", 400) from exc
    try:
        with transaction.atomic():
            event = LmsEvent.objects.create(lms=lms, event_id=event_id, payload=payload)
            outcome = _apply_lms_event(lms, payload)
            event.outcome = outcome
            event.save(update_fields=["outcome"])
    except IntegrityError:
        return "duplicate"
    return outcome


def lms_serves(lms: ExternalLMS, partner_id: int) -> bool:
    return lms.serves_all_partners or lms.partners.filter(pk=partner_id).exists()


def _apply_lms_event(lms: ExternalLMS, payload: dict) -> str:
    if payload.get("type") != "course.completed":
        return "ignored"
    course = Course.objects.filter(external_lms=lms, external_id=str(payload.get("course_id", ""))).first()
    if course is None:
        return "unknown course"
    email = str(payload.get("email", "")).strip().lower()
    membership = (
        Membership.objects.select_related("user", "partner").filter(user__email=email, is_active=True).first()
    )
    if membership is None:
        return "unknown user"
    if not lms_serves(lms, membership.partner_id):
        return "partner not served"  # an LMS certifies only the people of its own partners
    enrollment = enrollment_get_or_create(course=course, user=membership.user, partner=membership.partner)
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course", "partner", "user")
        .get(pk=enrollment.pk)
    )
    if enrollment.passed_at is not None:
        return "already passed"
    score = payload.get("score")
    score = int(score) if isinstance(score, int | float) and 0 <= score <= 100 else None
    if score is not None and score < course.pass_mark:
        enrollment.best_score = max(enrollment.best_score or 0, score)
        enrollment.save(update_fields=["best_score"])
        return "not passed"
    _course_passed(enrollment, score=score)
    return "passed"
