"""Notifications and e-mails of the plans app, sent by tasks after commit in each
recipient's language (prm.notifications.center: one row per person and event)."""

from django.conf import settings
from django.urls import reverse

from partners.queries import partner_admins
from plans.models import BusinessPlan, PlanReview
from prm.notifications.center import notify
from prm.notifications.emails import templates
from prm.notifications.recipients import assigned_managers


def plan_submitted(pk: int) -> None:
    plan = BusinessPlan.objects.select_related("partner").filter(pk=pk).first()
    if plan is None or plan.status != BusinessPlan.Status.SUBMITTED or plan.submitted_at is None:
        return
    path = reverse("plans:staff_plan", args=[plan.pk])
    notify(
        kind="plan_submitted",
        recipients=assigned_managers(plan.partner),
        event_key=f"plan:{plan.pk}:submitted:{plan.submitted_at.timestamp():.0f}",
        params={"partner": plan.partner.name, "year": plan.fiscal_year},
        url=path,
        partner_id=plan.partner_id,
        email={
            **templates("plans/emails/plan_submitted"),
            "context": {"plan": plan, "url": settings.SITE_URL + path},
        },
    )


def plan_decided(pk: int) -> None:
    plan = BusinessPlan.objects.select_related("partner").filter(pk=pk).first()
    if plan is None or plan.status == BusinessPlan.Status.SUBMITTED:
        return
    variant = "approved" if plan.status == BusinessPlan.Status.APPROVED else "returned"
    path = reverse("plans:plan", args=[plan.pk])
    notify(
        kind="plan_decided",
        recipients=partner_admins(plan.partner_id),
        event_key=f"plan:{plan.pk}:{variant}:{plan.updated_at.timestamp():.0f}",
        params={"year": plan.fiscal_year, "variant": variant},
        url=path,
        partner_id=plan.partner_id,
        email={
            **templates("plans/emails/plan_decided"),
            "context": {"plan": plan, "variant": variant, "url": settings.SITE_URL + path},
        },
    )


def review_awaits(pk: int, *, side: str) -> None:
    """Tell `side` (partner admins, or the assigned managers) the review awaits its signature."""
    review = PlanReview.objects.select_related("plan", "plan__partner").filter(pk=pk).first()
    if review is None or review.signed:
        return
    plan = review.plan
    if side == "partner":
        if review.partner_signed_at is not None:
            return
        recipients, path = partner_admins(plan.partner_id), reverse("plans:review", args=[review.pk])
        signed_at = review.manager_signed_at
    else:
        if review.manager_signed_at is not None:
            return
        recipients, path = assigned_managers(plan.partner), reverse("plans:staff_review", args=[review.pk])
        signed_at = review.partner_signed_at
    notify(
        kind="plan_review_sign",
        recipients=recipients,
        event_key=f"planreview:{review.pk}:{side}:{signed_at.timestamp() if signed_at else 0:.0f}",
        params={"partner": plan.partner.name, "year": plan.fiscal_year, "quarter": review.quarter},
        url=path,
        partner_id=plan.partner_id,
        email={
            **templates("plans/emails/review_sign"),
            "context": {"review": review, "plan": plan, "side": side, "url": settings.SITE_URL + path},
        },
    )
