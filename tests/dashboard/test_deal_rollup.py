"""The deals block reads a per-partner roll-up (incentives.rollups): the same numbers as
the raw aggregate over the deals, a note saying how fresh it is, and a refreshed cache."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from dashboard import queries
from incentives import queries as incentive_queries
from incentives.models import Deal, PartnerDealMonth, PartnerDealRollup, PartnerTierState
from incentives.rollups import deal_rollup_refresh
from partners.models import PartnerType
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory, make_tiers

TODAY = date(2026, 11, 18)


@pytest.fixture
def deals(world):
    tiers = make_tiers()
    c = PartnerFactory(name="Gamma", partner_type=PartnerType.SOLUTION)
    PartnerTierState.objects.create(partner=world.partner_a, tier=tiers[1])
    PartnerTierState.objects.create(partner=c, tier=tiers[2])  # partner B has no tier state
    amount = 1_000_000
    for partner in (world.partner_a, world.partner_b, c):
        DealFactory(partner=partner)  # under review
        DealFactory(partner=partner, status=Deal.Status.REJECTED)
        for stage in (Deal.Stage.QUALIFYING, Deal.Stage.NEGOTIATION):
            amount += 10_000
            DealFactory(partner=partner, approved=True, stage=stage, amount=amount)
        DealFactory(partner=partner, approved=True, stage=Deal.Stage.LOST, closed_on=TODAY)
        # Won on the edges of every period and in whole months between.
        for days_ago in (
            0,
            1,
            17,
            18,
            19,
            29,
            30,
            31,
            48,
            89,
            90,
            91,
            120,
            179,
            180,
            181,
            364,
            365,
            366,
            400,
        ):
            amount += 1_000
            DealFactory(partner=partner, won=True, amount=amount, closed_on=TODAY - timedelta(days=days_ago))
    return c


def _compare(user, **kw):
    query = queries.block_query(user, queries.Filters(today=TODAY, **kw))
    raw = sorted(incentive_queries.deals_pipeline_raw(query), key=str)
    rolled = sorted(incentive_queries.deals_pipeline_rollup(query), key=str)
    assert [tuple(int(v or 0) if i > 1 else v for i, v in enumerate(r)) for r in rolled] == [
        tuple(int(v or 0) if i > 1 else v for i, v in enumerate(r)) for r in raw
    ]
    return raw


@pytest.mark.parametrize("days", [30, 90, 180, 365])
def test_rollup_matches_the_raw_aggregate(world, deals, days):
    assert deal_rollup_refresh() == 3
    assert PartnerDealRollup.objects.count() == 3 and PartnerDealMonth.objects.exists()
    rows = _compare(world.superuser, days=days)
    assert len(rows) == 3 and all(r[5] > 0 for r in rows)
    assert len(_compare(world.manager_a, days=days)) == 1  # scoped: partner A only
    _compare(world.superuser, days=days, partner_type=PartnerType.SOLUTION)
    _compare(world.superuser, days=days, tier=PartnerTierState.objects.get(partner=deals).tier)


def test_period_starting_on_the_first_and_in_the_current_month(world, deals):
    deal_rollup_refresh()
    for today in (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31)):
        for days in (30, 90):
            query = queries.for_partners(queries.Filters(today=today, days=days), None)
            raw = incentive_queries.deals_pipeline_raw(query)
            rolled = incentive_queries.deals_pipeline_rollup(query)
            assert sorted(((r[0], r[1], int(r[5])) for r in rolled), key=str) == sorted(
                ((r[0], r[1], int(r[5])) for r in raw), key=str
            ), (today, days)


def test_block_says_how_fresh_it_is_and_the_refresh_drops_the_cache(
    world, deals, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        before = queries.dashboard_blocks(world.superuser, queries.Filters())["deals"]
        assert before.note == ""  # never refreshed: read from the deals themselves
        DealFactory(partner=world.partner_a)  # one more under review
        with django_capture_on_commit_callbacks(execute=True):
            deal_rollup_refresh()
        after = queries.dashboard_blocks(world.superuser, queries.Filters())["deals"]
    assert "refreshed every hour" in after.note
    assert sum(r[2] for r in after.rows) == sum(r[2] for r in before.rows) + 1
