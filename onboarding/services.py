"""Writes for onboarding. plan_start, asset_opened, profile_completed, course_passed and
certification_earned run in the receivers of partners.signals, content.signals and
training.signals (onboarding/receivers.py)."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from onboarding import webhooks
from onboarding.models import (
    ChecklistTemplate,
    OnboardingPlan,
    OnboardingTask,
    ReminderLog,
    ReminderPreference,
    TaskKind,
    TaskSubmission,
)
from onboarding.queries import channel_managers, reminder_candidates
from partners.models import Partner
from partners.services import partner_onboarding_complete
from prm.audit.log import audit
from prm.audit.transitions import transition
from prm.webhooks import outbox
from prm.webhooks.registry import EventType
from training import queries as training_queries
from training import webhooks as training_webhooks
from training.models import UserCertification

logger = logging.getLogger(__name__)


class OnboardingError(Exception):
    """The one domain error of this app; the message is translated and shown to the user."""


# --- Plans ----------------------------------------------------------------------------


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
        if task.kind == TaskKind.COURSE and task.course_id is not None:
            enrollment = training_queries.first_pass(plan.partner, course_id=task.course_id)
            if enrollment:
                _task_done(task, actor=enrollment.user, how="course")
        elif task.certification_id is not None:
            cert = training_queries.valid_certification(
                plan.partner, certification_id=task.certification_id, on=today
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
    (docs/architecture.md section 3) so the partner appears in the owner's staff pages everywhere."""
    if owner is not None and not owner.has_perm("partners.manage_partner", partner):
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
            # A fact of the partner from now on (tier thresholds read it); activates it if new.
            partner_onboarding_complete(
                partner=Partner.objects.get(pk=plan.partner_id), actor=actor, on=timezone.localdate()
            )
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
def course_passed(*, partner, user, course_id) -> int:
    """Training tells this (training.signals.course_passed): "finish this course" tasks complete."""
    return _complete_linked(
        partner=partner, user=user, how="course", kind=TaskKind.COURSE, course_id=course_id
    )


@transaction.atomic
def certification_earned(*, partner, user, certification_id) -> int:
    """Training tells this (training.signals.certified): "earn this certification" tasks complete."""
    return _complete_linked(
        partner=partner,
        user=user,
        how="certification",
        kind=TaskKind.CERTIFICATION,
        certification_id=certification_id,
    )


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


# --- Reminders ------------------------------------------------------------------------

# Webhook events raised by a claimed reminder (once, like its e-mail): (event, model, link).
REMINDER_WEBHOOK_EVENTS: dict[str, tuple[EventType, type[OnboardingPlan | UserCertification], str]] = {
    ReminderLog.Kind.ESCALATION: (webhooks.PLAN_AT_RISK, OnboardingPlan, "plan_id"),
    ReminderLog.Kind.CERT_EXPIRING: (
        training_webhooks.CERTIFICATION_EXPIRING,
        UserCertification,
        "user_certification_id",
    ),
}


def reminders_run(*, today: date | None = None) -> dict[str, int]:
    """The daily reminder run. Selection is set-based (a constant number of queries, see
    queries.reminder_candidates); each reminder is then claimed by inserting its unique
    ReminderLog row in its own transaction, and the e-mail is sent by a task enqueued on
    commit (notifications.reminder_deliver). A repeated run finds the rows and skips; a run
    that dies mid-way leaves the claimed ones claimed and the next run does the rest.
    Returns the number of reminders claimed, by kind."""
    today = today or timezone.localdate()
    found = reminder_candidates(today)
    K = ReminderLog.Kind
    sent = dict.fromkeys(found, 0)
    for task_id in found["due_soon"]:
        sent["due_soon"] += bool(_reminder_claim(K.DUE_SOON, f"task:{task_id}", task_id=task_id))
    for task_id in found["overdue"]:
        sent["overdue"] += bool(_reminder_claim(K.OVERDUE, f"task:{task_id}", task_id=task_id))
    for owner_id, week in found["digest"]:
        sent["digest"] += bool(_reminder_claim(K.DIGEST, f"owner:{owner_id}:{week}", recipient_id=owner_id))
    for plan_id in found["escalation"]:
        sent["escalation"] += bool(_reminder_claim(K.ESCALATION, f"plan:{plan_id}", plan_id=plan_id))
    for uc_id in found["cert_expiring"]:
        sent["cert_expiring"] += bool(
            _reminder_claim(K.CERT_EXPIRING, f"cert:{uc_id}", user_certification_id=uc_id)
        )
    return sent


def _reminder_claim(kind: str, key: str, **links) -> ReminderLog | None:
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(kind=kind, key=key, **links)
            from onboarding import tasks

            tasks.send_reminder.delay_on_commit(log_id=log.pk)
            if kind in REMINDER_WEBHOOK_EVENTS:
                event_type, model, link = REMINDER_WEBHOOK_EVENTS[kind]
                rows = model.objects.filter(pk=links[link]).values_list("pk", "partner_id")
                outbox.publish_many(event_type, rows)
    except IntegrityError:
        return None  # decided before: at most once per task and kind
    return log


def preference_set(*, user, mute_non_essential: bool) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"mute_non_essential": mute_non_essential}
    )
    return pref


def parse_date(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None


def target_days_default() -> int:
    return settings.PRM_ONBOARDING_TARGET_DAYS
