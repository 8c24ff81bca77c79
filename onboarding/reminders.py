"""The daily reminder run. Selection is set-based (a constant number of queries, see
queries.reminder_candidates); each reminder is then claimed by inserting its unique
ReminderLog row in its own transaction, and the e-mail is sent by a task enqueued on
commit. A repeated run finds the rows and skips; a run that dies mid-way leaves the
claimed ones claimed and the next run does the rest."""

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from onboarding import emails, webhooks
from onboarding.models import OnboardingPlan, ReminderLog
from onboarding.queries import partner_members, plans_with_progress, reminder_candidates, risk_flags
from onboarding.services import channel_managers
from prm.notifications.center import notify
from prm.notifications.recipients import assigned_managers
from prm.webhooks import outbox
from training import webhooks as training_webhooks
from training.models import UserCertification

# Webhook events raised by a claimed reminder (once, like its e-mail): (event, model, link).
WEBHOOK_EVENTS = {
    ReminderLog.Kind.ESCALATION: (webhooks.PLAN_AT_RISK, OnboardingPlan, "plan_id"),
    ReminderLog.Kind.CERT_EXPIRING: (
        training_webhooks.CERTIFICATION_EXPIRING,
        UserCertification,
        "user_certification_id",
    ),
}


def _claim(kind: str, key: str, **links) -> ReminderLog | None:
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(kind=kind, key=key, **links)
            from onboarding import tasks

            tasks.send_reminder.delay_on_commit(log_id=log.pk)
            if kind in WEBHOOK_EVENTS:
                event_type, model, link = WEBHOOK_EVENTS[kind]
                rows = model.objects.filter(pk=links[link]).values_list("pk", "partner_id")
                outbox.publish_many(event_type, rows)
    except IntegrityError:
        return None  # decided before: at most once per task and kind
    return log


def run_reminders(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    found = reminder_candidates(today)
    K = ReminderLog.Kind
    sent = dict.fromkeys(found, 0)
    for task_id in found["due_soon"]:
        sent["due_soon"] += bool(_claim(K.DUE_SOON, f"task:{task_id}", task_id=task_id))
    for task_id in found["overdue"]:
        sent["overdue"] += bool(_claim(K.OVERDUE, f"task:{task_id}", task_id=task_id))
    for owner_id, week in found["digest"]:
        sent["digest"] += bool(_claim(K.DIGEST, f"owner:{owner_id}:{week}", recipient_id=owner_id))
    for plan_id in found["escalation"]:
        sent["escalation"] += bool(_claim(K.ESCALATION, f"plan:{plan_id}", plan_id=plan_id))
    for uc_id in found["cert_expiring"]:
        sent["cert_expiring"] += bool(_claim(K.CERT_EXPIRING, f"cert:{uc_id}", user_certification_id=uc_id))
    return sent


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
