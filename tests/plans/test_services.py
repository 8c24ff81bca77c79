"""The plan's states, who may move them, the review sign-offs and their reopening, the
activities' links, and the tier requirement of an approved plan."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from funds.models import FundRequest
from incentives import services as incentives
from incentives.models import PartnerTierState
from incentives.queries import progress_to
from plans import services
from plans.fiscal import year_span
from plans.models import BusinessPlan, PlanActivity
from plans.queries import current_fiscal_year
from plans.services import PlansError
from prm.models import AuditEvent, Notification
from tests.funds.factories import fund_with, submitted
from tests.incentives.factories import DealFactory, make_tiers
from tests.plans.factories import approved, draft, reviewed
from tests.promotion.factories import CampaignFactory, ParticipationFactory
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db


def actions(plan):
    return list(
        AuditEvent.objects.filter(target_id=str(plan.pk), action__startswith="plan.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_one_plan_per_partner_and_year(world):
    draft(world.partner_a, world.admin_a)
    with pytest.raises(PlansError):
        services.plan_create(
            partner=world.partner_a, fiscal_year=current_fiscal_year(), actor=world.manager_a
        )
    with pytest.raises(PlansError):
        services.plan_create(
            partner=world.partner_a, fiscal_year=current_fiscal_year() - 1, actor=world.admin_a
        )


def test_state_machine_and_who_moves_it(world, django_capture_on_commit_callbacks):
    plan = draft(world.partner_a, world.admin_a)
    for outsider in (world.member_a, world.admin_b, world.manager_other, world.support):
        with pytest.raises(PlansError):
            services.plan_submit(plan=plan, actor=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_submit(plan=plan, actor=world.admin_a)
    assert plan.status == BusinessPlan.Status.SUBMITTED
    assert Notification.objects.filter(recipient=world.manager_a, kind="plan_submitted").exists()
    assert mail.outbox[-1].to == [world.manager_a.email]
    with pytest.raises(PlansError):  # submitted: nobody edits
        services.plan_update(plan=plan, actor=world.admin_a, fields={}, goal_rows=[])
    with pytest.raises(PlansError):  # the partner cannot approve its own plan
        services.plan_approve(plan=plan, actor=world.admin_a)
    with pytest.raises(PlansError):  # returning needs a comment
        services.plan_return(plan=plan, actor=world.manager_a, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_return(plan=plan, actor=world.manager_a, comment="Q3の目標を見直してください")
    assert plan.status == BusinessPlan.Status.DRAFT
    assert "Q3の目標を見直してください" in mail.outbox[-1].body
    plan = services.plan_submit(plan=plan, actor=world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_approve(plan=plan, actor=world.manager_a, comment="承認します")
    assert (plan.status, plan.approved_by) == (BusinessPlan.Status.APPROVED, world.manager_a)
    assert mail.outbox[-1].to == [world.admin_a.email]
    with pytest.raises(PlansError):
        services.plan_submit(plan=plan, actor=world.admin_a)
    plan = services.plan_reopen(plan=plan, actor=world.admin_a, reason="目標を追加")
    assert (plan.status, plan.approved_at) == (BusinessPlan.Status.DRAFT, None)
    assert actions(plan) == [
        "plan.created",
        "plan.updated",
        "plan.submitted",
        "plan.returned",
        "plan.submitted",
        "plan.approved",
        "plan.reopened",
    ]


def test_goals_are_validated(world):
    plan = draft(world.partner_a, world.admin_a)
    with pytest.raises(PlansError):
        services.plan_update(
            plan=plan,
            actor=world.admin_a,
            fields={},
            goal_rows=[{"kind": "revenue", "target": 1}, {"kind": "revenue", "target": 2}],
        )
    with pytest.raises(PlansError):  # not a goal kind
        services.plan_update(
            plan=plan, actor=world.admin_a, fields={}, goal_rows=[{"kind": "referrals", "target": 5}]
        )
    plan = services.plan_update(
        plan=plan,
        actor=world.manager_a,
        fields={"summary_en": "Grow"},
        goal_rows=[{"kind": "deals_won", "target": 4}],
    )
    assert [g.kind for g in plan.goals.all()] == ["deals_won"]
    assert plan.summary_en == "Grow" and plan.summary_ja == ""
    empty = services.plan_update(plan=plan, actor=world.admin_a, fields={}, goal_rows=[])
    with pytest.raises(PlansError):
        services.plan_submit(plan=empty, actor=world.admin_a)


def test_review_sign_off_and_reopening_on_edit(world, django_capture_on_commit_callbacks):
    review = reviewed(world)
    assert review.figures[0]["kind"] == "revenue" and review.figures[0]["year_target"] == 10_000_000
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_sign(review=review, actor=world.admin_a)
    assert review.partner_signed_by == world.admin_a and not review.signed
    assert Notification.objects.filter(recipient=world.manager_a, kind="plan_review_sign").exists()
    with pytest.raises(PlansError):
        services.review_sign(review=review, actor=world.admin_a)
    with pytest.raises(PlansError):
        services.review_sign(review=review, actor=world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_sign(review=review, actor=world.manager_a)
    assert review.signed
    assert not Notification.objects.filter(recipient=world.admin_a, kind="plan_review_sign").exists()
    # Unchanged text: nothing happens, the signatures stay.
    same = {"narrative_ja": "順調です", "narrative_en": "", "agreed_actions_ja": "", "agreed_actions_en": ""}
    assert services.review_update(review=review, actor=world.admin_a, fields=same).signed
    changed = {**same, "agreed_actions_ja": "共催セミナーを1回追加"}
    review = services.review_update(review=review, actor=world.admin_a, fields=changed)
    assert (review.partner_signed_at, review.manager_signed_at, review.manager_signed_by) == (
        None,
        None,
        None,
    )
    event = AuditEvent.objects.filter(action="plan_review.updated").latest("pk")
    assert event.data["signoffs_reopened"] is True and event.partner_id == world.partner_a.pk
    assert review.action_list() == ["共催セミナーを1回追加"]


def test_reviews_need_an_approved_plan_and_one_per_quarter(world):
    plan = draft(world.partner_a, world.admin_a, fiscal_year=current_fiscal_year() + 1)
    with pytest.raises(PlansError):
        services.review_create(plan=plan, quarter=1, actor=world.admin_a, fields={})
    review = reviewed(world, quarter=2)
    with pytest.raises(PlansError):
        services.review_create(plan=review.plan, quarter=2, actor=world.manager_a, fields={})
    with pytest.raises(PlansError):
        services.review_create(plan=review.plan, quarter=5, actor=world.manager_a, fields={})


def test_activity_links_must_be_the_partners_own(world):
    plan = approved(world)
    fields = {"title": "共催セミナー", "owner": world.member_a, "due_on": date.today(), "status": "planned"}
    activity = services.activity_save(plan=plan, actor=world.admin_a, fields=fields)
    assert activity.owner == world.member_a
    services.activity_save(plan=plan, actor=world.manager_a, fields={**fields, "owner": world.manager_a})
    for owner in (world.admin_b, world.manager_other):
        with pytest.raises(PlansError):
            services.activity_save(plan=plan, actor=world.admin_a, fields={**fields, "owner": owner})
    fund_with(world.partner_b, 1_000_000)
    other_request = submitted(world.partner_b, world.admin_b)
    with pytest.raises(PlansError):
        services.activity_save(
            plan=plan, actor=world.admin_a, fields={**fields, "fund_request": other_request}
        )
    campaign = CampaignFactory()
    with pytest.raises(PlansError):
        services.activity_save(plan=plan, actor=world.admin_a, fields={**fields, "campaign": campaign})
    ParticipationFactory(partner=world.partner_a, campaign=campaign)
    fund_with(world.partner_a, 1_000_000)
    own_request = submitted(world.partner_a, world.admin_a)
    linked = services.activity_save(
        plan=plan,
        actor=world.admin_a,
        activity=activity,
        fields={**fields, "campaign": campaign, "fund_request": own_request, "status": "in_progress"},
    )
    assert (linked.pk, linked.campaign, linked.fund_request) == (activity.pk, campaign, own_request)
    assert PlanActivity.objects.for_partner(world.partner_b).count() == 0
    assert isinstance(own_request, FundRequest)


def test_a_tier_can_require_an_approved_plan(world):
    tiers = make_tiers()
    silver = tiers[1]
    silver.requires_approved_plan = True
    silver.save()
    today = timezone.localdate()
    for _i in range(2):
        DealFactory(partner=world.partner_a, won=True, amount=Decimal(3_000_000), closed_on=today)
    UserCertificationFactory(partner=world.partner_a, user=world.admin_a)
    incentives.tiers_recompute(as_of=today)
    state = PartnerTierState.objects.get(partner=world.partner_a)
    assert state.tier.rank == 0  # meets every threshold of Silver but the plan
    assert [row.met for row in progress_to(state, silver) if row.key == "approved_plan"] == [False]
    plan = approved(world)
    state.refresh_from_db()
    assert (state.plan_approved_from, state.plan_approved_until) == year_span(plan.fiscal_year)
    incentives.tiers_recompute(as_of=today)
    state.refresh_from_db()
    assert state.tier == silver
    assert [row.met for row in progress_to(state, silver) if row.key == "approved_plan"] == [True]
    services.plan_reopen(plan=plan, actor=world.manager_a)
    state.refresh_from_db()
    assert state.plan_approved_from is None
    assert (
        AuditEvent.objects.filter(
            action="partner.plan_approval_recorded", partner_id=world.partner_a.pk
        ).count()
        == 2
    )


def test_approved_span_joins_consecutive_years(world):
    year = current_fiscal_year()
    assert services.approved_span(world.partner_a) == (None, None)
    approved(world)
    nxt = draft(world.partner_a, world.admin_a, fiscal_year=year + 1)
    services.plan_approve(plan=services.plan_submit(plan=nxt, actor=world.admin_a), actor=world.manager_a)
    assert services.approved_span(world.partner_a) == (year_span(year).start, year_span(year + 1).end)
    later = year_span(year + 1).start + timedelta(days=1)
    assert services.approved_span(world.partner_a, today=later) == year_span(year + 1)
