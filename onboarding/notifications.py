"""One-off e-mails of plan events (sent by tasks enqueued on commit)."""

from django.urls import reverse

from onboarding import emails
from onboarding.models import OnboardingPlan, TaskSubmission
from onboarding.queries import partner_members
from prm.notifications.center import notify
from prm.notifications.recipients import is_current_member


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
