"""E-mails of plan events and of the reminders the daily run decided
(services.reminders_run), sent by tasks enqueued on commit."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from onboarding import emails
from onboarding.models import OnboardingPlan, ReminderLog, TaskSubmission
from onboarding.queries import channel_managers, partner_members, plans_with_progress, risk_flags
from prm.notifications.center import notify
from prm.notifications.recipients import assigned_managers, is_current_member


def plan_started(*, plan_id: int) -> None:
    plan = OnboardingPlan.objects.select_related("partner", "owner").filter(pk=plan_id).first()
    if plan is None:
        return
    context = {"plan": plan, "url": emails.absolute(reverse("onboarding:index"))}
    for user in partner_members(plan.partner_id, essential=True):
        emails.send("plan_started", user, context)
    if plan.owner is not None:
        emails.send(
            "plan_assigned",
            plan.owner,
            {"plan": plan, "url": emails.absolute(reverse("onboarding:staff_plan", args=[plan.pk]))},
        )


def submission_received(*, submission_id: int) -> None:
    sub = TaskSubmission.objects.select_related(
        "task__plan__owner", "task__plan__partner", "submitted_by"
    ).get(pk=submission_id)
    owner = sub.task.plan.owner
    if owner is not None:
        emails.send(
            "submission_received",
            owner,
            {"submission": sub, "url": emails.absolute(reverse("onboarding:staff_reviews"))},
        )


def submission_returned(*, submission_id: int) -> None:
    sub = TaskSubmission.objects.select_related("task__plan__partner", "submitted_by").get(pk=submission_id)
    if not is_current_member(sub.submitted_by, sub.task.plan.partner_id):
        return  # left the partner (or disabled): the task page shows the partner the result
    notify(
        kind="document_reviewed",
        recipients=[sub.submitted_by],
        event_key=f"submission:{sub.pk}:returned",
        params={"task": str(sub.task), "variant": "returned"},
        url=reverse("onboarding:task", args=[sub.task_id]),
        partner_id=sub.task.plan.partner_id,
        email=emails.mail(
            "submission_returned",
            {"submission": sub, "url": emails.absolute(reverse("onboarding:task", args=[sub.task_id]))},
        ),
    )


def submission_accepted(*, submission_id: int) -> None:
    sub = TaskSubmission.objects.select_related("task__plan", "submitted_by").get(pk=submission_id)
    if not is_current_member(sub.submitted_by, sub.task.plan.partner_id):
        return  # left the partner (or disabled): the task page shows the partner the result
    notify(
        kind="document_reviewed",
        recipients=[sub.submitted_by],
        event_key=f"submission:{sub.pk}:accepted",
        params={"task": str(sub.task), "variant": "accepted"},
        url=reverse("onboarding:task", args=[sub.task_id]),
        partner_id=sub.task.plan.partner_id,
    )


@transaction.atomic
def reminder_deliver(*, log_id: int) -> int:
    """Send the e-mails of one decided reminder; the sent_at claim makes a redelivered
    task a no-op. Claim and sending share one transaction, so a worker killed (or a mail
    server failing) before the end leaves the reminder unclaimed for the redelivery.
    Returns the number of e-mails sent."""
    claimed = ReminderLog.objects.filter(pk=log_id, sent_at=None).update(sent_at=timezone.now())
    if not claimed:
        return 0
    log = ReminderLog.objects.select_related(
        "task__plan__partner",
        "plan__partner",
        "plan__owner",
        "user_certification__certification",
        "recipient",
    ).get(pk=log_id)
    K = ReminderLog.Kind
    count = 0
    if log.kind in (K.DUE_SOON, K.OVERDUE):
        task = log.task
        if task.status == task.Status.DONE:
            return 0
        context = {"task": task, "plan": task.plan, "url": emails.absolute(reverse("onboarding:index"))}
        for user in partner_members(task.plan.partner_id, essential=log.kind == K.OVERDUE):
            emails.send(log.kind, user, context)
            count += 1
    elif log.kind == K.DIGEST:
        plans = list(
            plans_with_progress(
                OnboardingPlan.objects.running().filter(owner=log.recipient).select_related("partner")
            )
        )
        at_risk = [(p, risk_flags(p)) for p in plans if risk_flags(p)]
        if at_risk:
            emails.send(
                "digest",
                log.recipient,
                {"plans": at_risk, "url": emails.absolute(reverse("onboarding:staff_plans") + "?risk=any")},
            )
            count += 1
    elif log.kind == K.ESCALATION:
        plan = log.plan
        # The plan's owner and the managers assigned to the partner; everyone in the
        # group only when nobody is (so that an escalation is never lost).
        recipients = {u.pk: u for u in assigned_managers(plan.partner)}
        if plan.owner is not None and plan.owner.is_active:
            recipients[plan.owner.pk] = plan.owner
        if not recipients:
            recipients = {u.pk: u for u in channel_managers()}
        context = {"plan": plan, "url": emails.absolute(reverse("onboarding:staff_plan", args=[plan.pk]))}
        count += notify(
            kind="plan_at_risk",
            recipients=recipients.values(),
            event_key=f"reminder:{log.pk}",
            params={"partner": plan.partner.name},
            url=reverse("onboarding:staff_plan", args=[plan.pk]),
            partner_id=plan.partner_id,
            email=emails.mail("escalation", context),
        )
    elif log.kind == K.CERT_EXPIRING:
        uc = log.user_certification
        context = {
            "award": uc,
            "url": emails.absolute(reverse("training:index")),
        }
        count += notify(
            kind="certification_expiring",
            recipients=[uc.user],
            event_key=f"reminder:{log.pk}",
            params={"certification": str(uc.certification), "date": str(uc.valid_until)},
            partner_id=uc.partner_id,
            url=reverse("training:index"),
            email=emails.mail("cert_expiring", context),
        )
    return count
