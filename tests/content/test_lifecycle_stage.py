"""Real integrations, no stand-ins: the plan completes -> the partner is active -> its stage
is selling -> the recommendations change; the first won deal -> servicing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content import queries
from partners.models import Partner
from tests.content.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_completing_onboarding_moves_recommendations_to_selling(world, django_capture_on_commit_callbacks):
    from incentives import services as incentives
    from incentives.models import Deal
    from onboarding import services as onboarding
    from tests.incentives.factories import DealFactory
    from tests.onboarding.factories import PlanFactory, TaskFactory

    Partner.objects.filter(pk=world.partner_a.pk).update(status=Partner.Status.ONBOARDING)
    AssetFactory(title="Onboarding basics", stages=["onboarding"])
    AssetFactory(title="Selling kit", stages=["selling"])
    AssetFactory(title="Servicing runbook", stages=["servicing"])

    def top(partner):
        partner = Partner.objects.get(pk=partner.pk)
        return queries.recommendations(partner=partner, user=world.member_a)[0].asset.title

    assert top(world.partner_a) == "Onboarding basics"
    task = TaskFactory(plan=PlanFactory(partner=world.partner_a))
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.task_sign_off(task=task, actor=world.manager_a)
    assert Partner.objects.get(pk=world.partner_a.pk).status == Partner.Status.ACTIVE
    assert top(world.partner_a) == "Selling kit"

    deal = DealFactory(
        partner=world.partner_a,
        status=Deal.Status.APPROVED,
        protected_until=timezone.localdate() + timedelta(days=30),
    )
    incentives.deal_close(deal=deal, user=world.admin_a, won=True)
    assert top(world.partner_a) == "Servicing runbook"
