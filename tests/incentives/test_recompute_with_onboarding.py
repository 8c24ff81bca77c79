"""Recomputation with the real facts (not stand-ins): training's certifications and the
partner's completed onboarding (recorded when onboarding's plan completes) feed the tier
thresholds in one SQL statement."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from incentives import services
from incentives.models import PartnerTierState
from onboarding import services as onboarding
from onboarding.models import OnboardingPlan
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.incentives.factories import DealFactory
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.training.factories import UserCertificationFactory

AS_OF = date(2026, 6, 30)


@pytest.mark.django_db
def test_gold_needs_real_certified_people_and_a_completed_plan(tiers):
    partner = PartnerFactory()
    for _i in range(5):
        DealFactory(
            partner=partner,
            won=True,
            closed_on=date(2026, 6, 1),
            amount=Decimal(4_000_000),
            amount_jpy=Decimal(4_000_000),
        )
    people = [MembershipFactory(partner=partner).user for _i in range(3)]
    for person in people:
        UserCertificationFactory(user=person, partner=partner, issued_on=AS_OF - timedelta(days=30))
    # An expired certification and another partner's do not count.
    UserCertificationFactory(partner=partner, issued_on=date(2024, 1, 1), valid_until=date(2025, 1, 1))
    UserCertificationFactory(issued_on=AS_OF - timedelta(days=30))
    # A cancelled plan does not count; the completed one does, once its last task is done
    # (onboarding completes it, the partners lifecycle service records the fact on the partner).
    PlanFactory(partner=partner, status=OnboardingPlan.Status.CANCELLED, started_on=date(2025, 1, 5))
    plan = PlanFactory(partner=partner, started_on=date(2026, 1, 5))
    onboarding.task_sign_off(task=TaskFactory(plan=plan), actor=UserFactory(is_staff=True))

    services.tiers_recompute(as_of=AS_OF)

    state = PartnerTierState.objects.select_related("tier").get(partner=partner)
    assert state.certified_people == 3
    assert state.onboarding_completed is True
    assert state.tier == tiers[2]
