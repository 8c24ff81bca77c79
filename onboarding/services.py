"""Writes for onboarding and training. plan_start, asset_opened and profile_completed run in
the receivers of partners.signals and content.signals (onboarding/receivers.py)."""

import calendar
import hashlib
import hmac
import json
import logging
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from onboarding.models import (
    ChecklistTemplate,
    Course,
    Enrollment,
    ExternalLMS,
    Lesson,
    LmsEvent,
    OnboardingPlan,
    OnboardingTask,
    QuizAttempt,
    ReminderPreference,
    TaskKind,
    TaskSubmission,
    UserCertification,
)
from partners.models import Partner
from partners.services import partner_activate
from prm.audit.log import audit
from prm.audit.transitions import transition
from prm.models import CHANNEL_MANAGERS, User

logger = logging.getLogger(__name__)


class OnboardingError(Exception):
    """The one domain error of this app; the message is translated and shown to the user."""


# --- Plans ----------------------------------------------------------------------------


def channel_managers():
    return User.objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS)


def owner_pick():
    """Round-robin among channel managers with the fewest running plans: fewest open plans
    first, then the one who was assigned longest ago (never first), then by id."""
    return (
        channel_managers()
        .annotate(
            open_plans=Count(
                "owned_onboarding_plans",
                filter=Q(owned_onboarding_plans__status=OnboardingPlan.Status.RUNNING),
            ),
            last_assigned=Max("owned_onboarding_plans__created_at"),
        )
        .order_by("open_plans", "last_assigned", "id")
        .first()
    )


def active_template(partner_type: str) -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.filter(partner_type=partner_type, is_active=True).first()


@transaction.atomic
def plan_start(
    *, partner, actor=None, owner=None, template=None, started_on: date | None = None
) -> OnboardingPlan | None:
    """Start onboarding for a partner: copy the template's tasks with due dates, set the
    target date and assign an owner. Idempotent: the running plan is returned if one exists.
    None when the partner type has no active checklist template (nothing to copy)."""
    # Lock the partner so that two concurrent calls cannot both create a plan.
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    running = OnboardingPlan.objects.for_partner(partner).running().first()
    if running is not None:
        return running
    template = template or active_template(partner.partner_type)
    if template is None:
        # Called from the recruitment approval hook: a missing template must not undo the
        # approval. Staff pages check for a template first and say so to the manager.
        logger.warning(
            "No active checklist template for partner type %s: no plan for %s",
            partner.partner_type,
            partner.pk,
        )
        return None
    plan = plan_build(
        partner=partner, template=template, owner=owner or owner_pick(), started_on=started_on, actor=actor
    )
    from onboarding import tasks

    tasks.notify_plan_started.delay_on_commit(plan_id=plan.pk)
    return plan


def plan_build(
    *, partner, template: ChecklistTemplate, owner, started_on: date | None = None, actor=None
) -> OnboardingPlan:
    """Create the plan and its tasks from the template (no notification; plan_start sends them)."""
    started_on = started_on or timezone.localdate()
    plan = OnboardingPlan.objects.create(
        partner=partner,
        template=template,
        owner=owner,
        started_on=started_on,
        target_days=template.target_days,
        target_date=started_on + timedelta(days=template.target_days),
        last_activity_at=timezone.now(),
    )
    # A copy, not a reference: later template changes leave running plans alone.
    OnboardingTask.objects.bulk_create(
        OnboardingTask(
            plan=plan,
            template_task=t,
            position=t.position,
            pillar=t.pillar,
            title_ja=t.title_ja,
            title_en=t.title_en,
            description_ja=t.description_ja,
            description_en=t.description_en,
            kind=t.kind,
            asset_id=t.asset_id,
            course_id=t.course_id,
            certification_id=t.certification_id,
            due_date=started_on + timedelta(days=min(t.due_offset_days, template.target_days)),
        )
        for t in template.tasks.all()
    )
    _grant_owner(owner, partner)
    audit(
        actor=actor,
        action="onboarding.plan_started",
        target=plan,
        partner=partner,
        owner=getattr(owner, "pk", None),
    )
    # Conditions met before the plan existed (a course passed earlier, say) count at once.
    _complete_already_met(plan)
    return plan


def _complete_already_met(plan: OnboardingPlan) -> None:
    today = timezone.localdate()
    for task in plan.tasks.filter(kind__in=[TaskKind.COURSE, TaskKind.CERTIFICATION]):
        if task.kind == TaskKind.COURSE:
            enrollment = (
                Enrollment.objects.for_partner(plan.partner)
                .filter(course_id=task.course_id, passed_at__isnull=False)
                .order_by("passed_at")
                .first()
            )
            if enrollment:
                _task_done(task, actor=enrollment.user, how="course")
        else:
            cert = (
                UserCertification.objects.for_partner(plan.partner)
                .valid_on(today)
                .filter(certification_id=task.certification_id)
                .first()
            )
            if cert:
                _task_done(task, actor=cert.user, how="certification")


@transaction.atomic
def plan_reassign(*, plan: OnboardingPlan, owner, actor) -> OnboardingPlan:
    plan = OnboardingPlan.objects.select_for_update().get(pk=plan.pk)
    if not channel_managers().filter(pk=owner.pk).exists():
        raise OnboardingError(_("The owner must be a channel manager."))
    previous = plan.owner_id
    plan.owner = owner
    _grant_owner(owner, plan.partner)
    plan.save(update_fields=["owner"])
    audit(actor=actor, action="onboarding.plan_reassigned", target=plan, previous=previous, owner=owner.pk)
    return plan


def plan_cancel(*, plan: OnboardingPlan, actor) -> OnboardingPlan:
    return transition(
        plan,
        allowed=lambda p: p.status == OnboardingPlan.Status.RUNNING,
        error=OnboardingError(_("Only a running plan can be cancelled.")),
        values={"status": OnboardingPlan.Status.CANCELLED},
        action="onboarding.plan_cancelled",
        actor=actor,
    )


def _grant_owner(owner, partner) -> None:
    """The owner is the partner's dedicated channel manager: grant the object permission
    (DESIGN.md section 3) so the partner appears in the owner's staff pages everywhere."""
    if owner is not None and not owner.has_perm("partners.manage_partner", partner):
        from guardian.shortcuts import assign_perm

        assign_perm("partners.manage_partner", owner, partner)


def _touch(plan: OnboardingPlan) -> None:
    OnboardingPlan.objects.filter(pk=plan.pk).update(last_activity_at=timezone.now())


def _task_done(task: OnboardingTask, *, actor, how: str) -> bool:
    """Mark a task done (claiming it with a conditional update); complete the plan when it
    was the last one. Returns False when the task was already done."""
    now = timezone.now()
    claimed = (
        OnboardingTask.objects.filter(pk=task.pk)
        .exclude(status=OnboardingTask.Status.DONE)
        .update(status=OnboardingTask.Status.DONE, completed_at=now, completed_by=actor)
    )
    if not claimed:
        return False
    task.status, task.completed_at, task.completed_by = OnboardingTask.Status.DONE, now, actor
    plan = task.plan
    audit(actor=actor, action="onboarding.task_done", target=task, partner=plan.partner_id, how=how)
    _touch(plan)
    if not plan.tasks.exclude(status=OnboardingTask.Status.DONE).exists():
        done = OnboardingPlan.objects.filter(pk=plan.pk, status=OnboardingPlan.Status.RUNNING).update(
            status=OnboardingPlan.Status.COMPLETED, completed_on=timezone.localdate()
        )
        if done:
            audit(actor=actor, action="onboarding.plan_completed", target=plan, partner=plan.partner_id)
            partner = Partner.objects.get(pk=plan.partner_id)
            if partner.status == Partner.Status.ONBOARDING:
                partner_activate(partner=partner, actor=actor)
    return True


def _complete_linked(*, partner, user, how: str, **lookup) -> int:
    tasks = (
        OnboardingTask.objects.for_partner(partner)
        .filter(plan__status=OnboardingPlan.Status.RUNNING, **lookup)
        .exclude(status=OnboardingTask.Status.DONE)
        .select_related("plan")
    )
    return sum(_task_done(task, actor=user, how=how) for task in tasks)


@transaction.atomic
def asset_opened(*, partner, user, asset_id) -> int:
    """Content calls this after recording a view: "read this asset" tasks complete."""
    return _complete_linked(partner=partner, user=user, how="asset", kind=TaskKind.ASSET, asset_id=asset_id)


@transaction.atomic
def profile_completed(*, partner, user) -> int:
    """Partners call this when the partner profile has been filled in."""
    return _complete_linked(partner=partner, user=user, how="profile", kind=TaskKind.PROFILE)


@transaction.atomic
def task_sign_off(*, task: OnboardingTask, actor) -> OnboardingTask:
    task = OnboardingTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.plan.status != OnboardingPlan.Status.RUNNING:
        raise OnboardingError(_("The plan is not running."))
    if task.kind != TaskKind.SIGNOFF:
        raise OnboardingError(_("This task completes itself when its condition is met."))
    if not _task_done(task, actor=actor, how="signoff"):
        raise OnboardingError(_("This task is already done."))
    return task


@transaction.atomic
def submission_create(*, task: OnboardingTask, partner, user, file, note: str = "") -> TaskSubmission:
    task = OnboardingTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.plan.partner_id != partner.pk:
        raise OnboardingError(_("This task does not belong to your company."))
    if task.kind != TaskKind.UPLOAD:
        raise OnboardingError(_("This task does not take a document."))
    if task.plan.status != OnboardingPlan.Status.RUNNING:
        raise OnboardingError(_("The plan is not running."))
    if task.status != OnboardingTask.Status.OPEN:
        raise OnboardingError(_("This task is already submitted or done."))
    submission = TaskSubmission.objects.create(task=task, file=file, note=note, submitted_by=user)
    task.status = OnboardingTask.Status.SUBMITTED
    task.save(update_fields=["status"])
    _touch(task.plan)
    audit(
        actor=user,
        action="onboarding.document_submitted",
        target=task,
        partner=partner,
        submission=submission.pk,
    )
    from onboarding import tasks

    tasks.notify_submission.delay_on_commit(submission_id=submission.pk)
    return submission


@transaction.atomic
def submission_review(
    *, submission: TaskSubmission, actor, accept: bool, comment: str = ""
) -> TaskSubmission:
    submission = TaskSubmission.objects.select_for_update().select_related("task__plan").get(pk=submission.pk)
    if submission.status != TaskSubmission.Status.PENDING:
        raise OnboardingError(_("This document has already been reviewed."))
    if not accept and not comment.strip():
        raise OnboardingError(_("Say what needs to change when you return a document."))
    submission.status = TaskSubmission.Status.ACCEPTED if accept else TaskSubmission.Status.RETURNED
    submission.reviewed_by, submission.reviewed_at, submission.comment = (
        actor,
        timezone.now(),
        comment.strip(),
    )
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment"])
    task = submission.task
    if accept:
        _task_done(task, actor=actor, how="review")
        from onboarding import tasks

        tasks.notify_submission_accepted.delay_on_commit(submission_id=submission.pk)
    else:
        OnboardingTask.objects.filter(pk=task.pk).update(status=OnboardingTask.Status.OPEN)
        audit(actor=actor, action="onboarding.document_returned", target=task, partner=task.plan.partner_id)
        from onboarding import tasks

        tasks.notify_submission_returned.delay_on_commit(submission_id=submission.pk)
    return submission


# --- Training -------------------------------------------------------------------------


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
        raise OnboardingError(_("This lesson belongs to another course."))
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
    if passed and enrollment.passed_at is None:
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
    _complete_linked(
        partner=enrollment.partner,
        user=enrollment.user,
        how="course",
        kind=TaskKind.COURSE,
        course_id=enrollment.course_id,
    )
    _award_certifications(enrollment)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


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
        _complete_linked(
            partner=enrollment.partner,
            user=enrollment.user,
            how="certification",
            kind=TaskKind.CERTIFICATION,
            certification_id=cert.pk,
        )
        awarded.append(uc)
    return awarded


RENEWAL_WINDOW_DAYS = 60


@transaction.atomic
def course_retake(*, enrollment: Enrollment) -> Enrollment:
    """Start a course again to renew an expiring certification."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.passed_at = None
    enrollment.best_score = None
    enrollment.save(update_fields=["passed_at", "best_score"])
    enrollment.completed_lessons.clear()
    audit(
        actor=enrollment.user,
        action="training.course_restarted",
        target=enrollment,
        partner=enrollment.partner_id,
    )
    return enrollment


def preference_set(*, user, mute_non_essential: bool) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"mute_non_essential": mute_non_essential}
    )
    return pref


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
# key is in SECRET_KEY_FALLBACKS.
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
    from partners.models import Membership

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


def parse_date(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None


def target_days_default() -> int:
    return settings.PRM_ONBOARDING_TARGET_DAYS
