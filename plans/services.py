"""Writes of the plans app: a plan's text and goals, its states (draft -> submitted ->
approved, returned or reopened to draft), planned activities, quarterly reviews and their
sign-offs. Keyword-only, transactional, locked, guarded and audited.

Who may write is decided by `editor_side`: the partner's admins ("partner") and the channel
managers who may see the partner ("vendor"); the views ask it on their first line and the
services ask it again, so a forgotten check in a view cannot let anyone else write."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives.services import partner_plan_approval_set
from partners.models import Membership
from plans import goals
from plans.fiscal import fiscal_year_of, year_span
from plans.models import BusinessPlan, PlanActivity, PlanGoal, PlanReview
from plans.queries import snapshot
from prm.audit.log import audit
from prm.audit.transitions import transition
from prm.tenancy import partners_for_staff
from promotion.models import CampaignParticipation

Status = BusinessPlan.Status
PARTNER, VENDOR = "partner", "vendor"
PLAN_TEXT_FIELDS = ("summary_ja", "summary_en", "focus_ja", "focus_en")
REVIEW_TEXT_FIELDS = ("narrative_ja", "narrative_en", "agreed_actions_ja", "agreed_actions_en")


class PlansError(Exception):
    """The one domain error of the plans app (message is translatable)."""


def editor_side(user, partner_id: int) -> str | None:
    """ "partner" for an admin of the partner, "vendor" for a channel manager who may see it,
    else None (members read; nobody else sees the plan at all)."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.is_staff:
        if user.is_channel_manager and partners_for_staff(user).filter(pk=partner_id).exists():
            return VENDOR
        return None
    admin = Membership.objects.filter(
        user=user, partner_id=partner_id, is_active=True, role=Membership.Role.ADMIN
    ).exists()
    return PARTNER if admin else None


def _require_side(user, partner_id: int) -> str:
    side = editor_side(user, partner_id)
    if side is None:
        raise PlansError(_("Only the partner's admins and its channel managers can change the plan."))
    return side


def _notify(event: str, pk: int) -> None:
    from plans import tasks

    tasks.notify.delay_on_commit(event, pk)


# --- The plan ---------------------------------------------------------------------------


def plan_create(*, partner, fiscal_year: int, actor, fields: dict | None = None) -> BusinessPlan:
    _require_side(actor, partner.pk)
    current = fiscal_year_of(timezone.localdate())
    if fiscal_year not in (current, current + 1):
        raise PlansError(_("A plan can be started for this fiscal year or the next."))
    span = year_span(fiscal_year)
    with transaction.atomic():
        if BusinessPlan.objects.filter(partner=partner, fiscal_year=fiscal_year).exists():
            raise PlansError(_("There is already a plan for this fiscal year."))
        plan = BusinessPlan.objects.create(
            partner=partner,
            fiscal_year=fiscal_year,
            starts_on=span.start,
            ends_on=span.end,
            created_by=actor,
            **{name: (fields or {}).get(name, "") for name in PLAN_TEXT_FIELDS},
        )
        audit(actor=actor, action="plan.created", target=plan, fiscal_year=fiscal_year)
    return plan


def _goal_values(goal: dict) -> dict:
    values = {"target": goal["target"]}
    values.update({f"q{q}": goal.get(f"q{q}") for q in (1, 2, 3, 4)})
    return values


def plan_update(*, plan: BusinessPlan, actor, fields: dict, goal_rows: list[dict]) -> BusinessPlan:
    """Replace the plan's text and its goals (one row per kind; a kind left out is dropped).
    Only a draft changes: a submitted plan waits for the manager, an approved one is reopened
    first."""
    _require_side(actor, plan.partner_id)
    kinds = [row["kind"] for row in goal_rows]
    if len(set(kinds)) != len(kinds):
        raise PlansError(_("Each kind of goal can be set once."))
    if any(goals.kind_of(kind) is None for kind in kinds):
        raise PlansError(_("This kind of goal is not available."))
    with transaction.atomic():
        locked = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
        if not locked.editable:
            raise PlansError(_("Only a draft plan can be changed. Reopen it first."))
        for name in PLAN_TEXT_FIELDS:
            setattr(locked, name, fields.get(name, ""))
        locked.save()
        before = {g.kind: g for g in locked.goals.all()}
        locked.goals.exclude(kind__in=kinds).delete()
        for row in goal_rows:
            PlanGoal.objects.update_or_create(plan=locked, kind=row["kind"], defaults=_goal_values(row))
        audit(
            actor=actor,
            action="plan.updated",
            target=locked,
            goals_before={k: str(g.target) for k, g in before.items()},
            goals_after={row["kind"]: str(row["target"]) for row in goal_rows},
        )
    return locked


def plan_submit(*, plan: BusinessPlan, actor) -> BusinessPlan:
    _require_side(actor, plan.partner_id)
    if not plan.goals.exists():
        raise PlansError(_("Set at least one goal before you submit the plan."))
    submitted = transition(
        plan,
        allowed=lambda p: p.status == Status.DRAFT,
        error=PlansError(_("Only a draft plan can be submitted.")),
        values={"status": Status.SUBMITTED, "submitted_at": timezone.now(), "submitted_by": actor},
        action="plan.submitted",
        actor=actor,
    )
    _notify("plan_submitted", submitted.pk)
    return submitted


def _manager_only(actor, plan: BusinessPlan) -> None:
    if _require_side(actor, plan.partner_id) != VENDOR:
        raise PlansError(_("Only the partner's channel manager can approve or return the plan."))


def plan_approve(*, plan: BusinessPlan, actor, comment: str = "") -> BusinessPlan:
    _manager_only(actor, plan)
    with transaction.atomic():
        approved = transition(
            plan,
            allowed=lambda p: p.status == Status.SUBMITTED,
            error=PlansError(_("Only a plan awaiting approval can be approved.")),
            values={
                "status": Status.APPROVED,
                "approved_at": timezone.now(),
                "approved_by": actor,
                "decision_comment": comment.strip(),
            },
            action="plan.approved",
            actor=actor,
            audit_data={"comment": comment.strip()},
        )
        plan_approval_sync(partner=approved.partner, actor=actor)
    _notify("plan_decided", approved.pk)
    return approved


def plan_return(*, plan: BusinessPlan, actor, comment: str) -> BusinessPlan:
    _manager_only(actor, plan)
    comment = (comment or "").strip()
    if not comment:
        raise PlansError(_("Say what should change: the partner reads your comment."))
    returned = transition(
        plan,
        allowed=lambda p: p.status == Status.SUBMITTED,
        error=PlansError(_("Only a plan awaiting approval can be returned.")),
        values={"status": Status.DRAFT, "decision_comment": comment},
        action="plan.returned",
        actor=actor,
        audit_data={"comment": comment},
    )
    _notify("plan_decided", returned.pk)
    return returned


def plan_reopen(*, plan: BusinessPlan, actor, reason: str = "") -> BusinessPlan:
    """An approved plan back to draft (to change its goals); it needs approval again, and a
    tier that requires an approved plan stops counting it."""
    _require_side(actor, plan.partner_id)
    with transaction.atomic():
        reopened = transition(
            plan,
            allowed=lambda p: p.status == Status.APPROVED,
            error=PlansError(_("Only an approved plan can be reopened.")),
            values={"status": Status.DRAFT, "approved_at": None, "approved_by": None},
            action="plan.reopened",
            actor=actor,
            audit_data={"reason": reason.strip()},
        )
        plan_approval_sync(partner=reopened.partner, actor=actor)
    return reopened


def approved_span(partner, *, today: date | None = None) -> tuple[date | None, date | None]:
    """The consecutive approved fiscal years that contain today, else the next such run."""
    today = today or timezone.localdate()
    years = list(
        BusinessPlan.objects.filter(
            partner=partner, status=Status.APPROVED, fiscal_year__gte=fiscal_year_of(today)
        )
        .order_by("fiscal_year")
        .values_list("fiscal_year", flat=True)
    )
    if not years:
        return None, None
    last = years[0]
    for year in years[1:]:
        if year != last + 1:
            break
        last = year
    return year_span(years[0]).start, year_span(last).end


def plan_approval_sync(*, partner, actor, today: date | None = None) -> None:
    """Tell incentives which dates approved plans cover (a tier may require one)."""
    start, until = approved_span(partner, today=today)
    partner_plan_approval_set(partner=partner, start=start, until=until, actor=actor)


# --- Activities -------------------------------------------------------------------------


def _check_links(plan: BusinessPlan, fields: dict) -> None:
    owner = fields["owner"]
    if not (
        Membership.objects.filter(user=owner, partner_id=plan.partner_id, is_active=True).exists()
        or editor_side(owner, plan.partner_id) == VENDOR
    ):
        raise PlansError(_("The owner must be a person of the partner or its channel manager."))
    request = fields.get("fund_request")
    if request is not None and request.partner_id != plan.partner_id:
        raise PlansError(_("The MDF request must be the partner's own."))
    campaign = fields.get("campaign")
    if (
        campaign is not None
        and not CampaignParticipation.objects.opted_in()
        .filter(partner_id=plan.partner_id, campaign=campaign)
        .exists()
    ):
        raise PlansError(_("The partner has not joined this campaign."))


ACTIVITY_FIELDS = ("title", "owner", "due_on", "status", "fund_request", "campaign")


def activity_save(
    *, plan: BusinessPlan, actor, fields: dict, activity: PlanActivity | None = None
) -> PlanActivity:
    """Add or change a planned activity (in any state of the plan: activities are the plan's
    running to-do list)."""
    _require_side(actor, plan.partner_id)
    _check_links(plan, fields)
    with transaction.atomic():
        if activity is None:
            activity = PlanActivity(plan=plan)
            action = "plan_activity.created"
        else:
            activity = PlanActivity.objects.select_for_update().get(pk=activity.pk, plan=plan)
            action = "plan_activity.updated"
        for name in ACTIVITY_FIELDS:
            setattr(activity, name, fields.get(name))
        activity.save()
        audit(
            actor=actor,
            action=action,
            target=activity,
            partner=plan.partner_id,
            status=activity.status,
            due_on=str(activity.due_on),
        )
    return activity


# --- Quarterly reviews ------------------------------------------------------------------


def review_create(*, plan: BusinessPlan, quarter: int, actor, fields: dict) -> PlanReview:
    """Record the review of a quarter of an approved plan, with the figures as they stand."""
    _require_side(actor, plan.partner_id)
    if quarter not in (1, 2, 3, 4):
        raise PlansError(_("Choose a quarter of the plan's fiscal year."))
    with transaction.atomic():
        locked = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != Status.APPROVED:
            raise PlansError(_("Reviews are recorded against an approved plan."))
        if locked.reviews.filter(quarter=quarter).exists():
            raise PlansError(_("This quarter has a review already."))
        review = PlanReview.objects.create(
            plan=locked,
            quarter=quarter,
            figures=snapshot(locked, quarter),
            figures_taken_at=timezone.now(),
            created_by=actor,
            **{name: fields.get(name, "") for name in REVIEW_TEXT_FIELDS},
        )
        audit(
            actor=actor, action="plan_review.created", target=review, partner=plan.partner_id, quarter=quarter
        )
    return review


def review_update(*, review: PlanReview, actor, fields: dict, refresh_figures: bool = False) -> PlanReview:
    """Change a review's text (and optionally take its figures again). A signed review that
    changes loses both sign-offs: each side signs what it read."""
    partner_id = review.plan.partner_id
    _require_side(actor, partner_id)
    with transaction.atomic():
        locked = PlanReview.objects.select_for_update().select_related("plan").get(pk=review.pk)
        changed = [name for name in REVIEW_TEXT_FIELDS if getattr(locked, name) != fields.get(name, "")]
        if not changed and not refresh_figures:
            return locked
        for name in REVIEW_TEXT_FIELDS:
            setattr(locked, name, fields.get(name, ""))
        if refresh_figures:
            locked.figures, locked.figures_taken_at = snapshot(locked.plan, locked.quarter), timezone.now()
        reopened = locked.partner_signed_at is not None or locked.manager_signed_at is not None
        locked.partner_signed_by = locked.partner_signed_at = None
        locked.manager_signed_by = locked.manager_signed_at = None
        locked.save()
        audit(
            actor=actor,
            action="plan_review.updated",
            target=locked,
            partner=partner_id,
            fields=changed,
            figures_taken_again=refresh_figures,
            signoffs_reopened=reopened,
        )
    return locked


def review_sign(*, review: PlanReview, actor) -> PlanReview:
    """Sign the review for the actor's side; the other side hears it awaits its signature."""
    side = _require_side(actor, review.plan.partner_id)
    prefix = "partner" if side == PARTNER else "manager"
    with transaction.atomic():
        locked = PlanReview.objects.select_for_update().select_related("plan").get(pk=review.pk)
        if getattr(locked, f"{prefix}_signed_at") is not None:
            raise PlansError(_("Your side has signed this review already."))
        setattr(locked, f"{prefix}_signed_by", actor)
        setattr(locked, f"{prefix}_signed_at", timezone.now())
        locked.save()
        audit(
            actor=actor,
            action="plan_review.signed",
            target=locked,
            partner=locked.plan.partner_id,
            side=side,
            complete=locked.signed,
        )
    if not locked.signed:
        _notify("review_awaits_partner" if side == VENDOR else "review_awaits_manager", locked.pk)
    return locked
