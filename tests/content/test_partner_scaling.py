"""The partner home and the library read one partner: the same queries at 10 and at 1,000
partners with plans, won deals and tiers (issue 11: no all-partners loads for the stage)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import Asset
from incentives.models import Deal, PartnerTierState, Tier
from onboarding.models import OnboardingPlan
from partners.models import Partner
from tests.incentives.factories import DealFactory, ProductFactory

pytestmark = pytest.mark.django_db


def grow(n):
    """Bring the number of partners to n, each with a plan, a won deal and a tier."""
    have = Partner.objects.count()
    today = timezone.localdate()
    tier = Tier.objects.first() or Tier.objects.create(name="Silver", rank=1)
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"Scale {i}",
            slug=f"scale-{i}",
            partner_type="sales",
            status=Partner.Status.ACTIVE,
            first_deal_won_at=today,
        )
        for i in range(have, n)
    )
    OnboardingPlan.objects.bulk_create(
        OnboardingPlan(
            partner=p,
            started_on=today - timedelta(days=70),
            target_days=60,
            target_date=today - timedelta(days=10),
            status=OnboardingPlan.Status.COMPLETED,
            completed_on=today - timedelta(days=20),
        )
        for p in partners
    )
    product = ProductFactory()
    Deal.objects.bulk_create(DealFactory.build(partner=p, product=product, won=True) for p in partners)
    PartnerTierState.objects.bulk_create(PartnerTierState(partner=p, tier=tier) for p in partners)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return ctx.captured_queries


@pytest.mark.parametrize("url", ["home", "content:index"])
def test_same_queries_at_10_and_1000_partners(world, client_for, url):
    Asset.objects.create(
        title="Selling guide", stages=["selling"], status="published", published_at=timezone.now()
    )
    client = client_for(world.member_a)
    grow(10)
    client.get(reverse(url))  # a first visit creates the partner's referral link
    cache.clear()  # both sizes computed, nothing read from the cache
    small = count(client, reverse(url))
    grow(1000)
    cache.clear()
    large = count(client, reverse(url))
    assert len(small) == len(large), [q["sql"] for q in large]
    # Nothing reads the partner tables without naming a partner.
    for query in large:
        sql = query["sql"]
        if 'FROM "incentives_partnertierstate"' in sql or 'FROM "onboarding_onboardingplan"' in sql:
            assert 'partner_id" = ' in sql or 'partner_id" IN' in sql, sql
