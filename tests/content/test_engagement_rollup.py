"""The channel dashboard's content engagement block for a viewer who sees every partner reads
the roll-ups plus the events since their cutoff (content.rollups.engagement_refresh): the
same numbers as the raw aggregate, before and after a refresh, on the period's edges."""

from datetime import timedelta
from itertools import product

import pytest
import time_machine
from django.utils import timezone

from content import queries as content_queries
from content.models import AssetEvent
from content.rollups import engagement_refresh
from dashboard import queries
from partners.models import Partner
from tests.content.factories import AssetFactory
from tests.factories import PartnerFactory

V, D = AssetEvent.Kind.VIEW, AssetEvent.Kind.DOWNLOAD


def _event(asset, partner, kind, days_ago, hours=0):
    e = AssetEvent.objects.create(asset=asset, partner=partner, kind=kind)
    AssetEvent.objects.filter(pk=e.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago, hours=hours)
    )


def _both(days):
    filters = queries.Filters(days=days)
    all_ids = list(Partner.objects.values_list("pk", flat=True))
    raw = content_queries.engagement_block(queries.for_partners(filters, all_ids))["rows"]
    fast = content_queries.engagement_block(queries.for_partners(filters, None))["rows"]
    return raw, fast


@pytest.fixture
def events(world):
    assets = [AssetFactory() for _ in range(3)]
    partners = [world.partner_a, world.partner_b, PartnerFactory(name="Gamma")]
    for i, (asset, partner) in enumerate(product(assets, partners)):
        for days_ago in (0, 1, 29, 30, 31, 89, 90, 91, 200):
            _event(asset, partner, V if (i + days_ago) % 2 else D, days_ago, hours=i)
    return assets, partners


@pytest.mark.parametrize("days", [30, 90, 180, 365])
def test_rollup_plus_fresh_events_match_the_raw_aggregate(world, events, days):
    raw, fast = _both(days)  # never refreshed: both are the raw query
    assert raw == fast and raw
    engagement_refresh()
    assert content_queries.engagement_cutoff() is not None
    raw, fast = _both(days)
    assert fast == raw
    # Events after the refresh (a new partner and asset, and an old partner again) count at once.
    assets, partners = events
    _event(AssetFactory(), PartnerFactory(name="Delta"), V, 0)
    _event(assets[0], partners[1], D, 0)
    raw2, fast2 = _both(days)
    assert fast2 == raw2 and raw2 != raw


def test_a_refresh_later_in_time_still_agrees(world, events):
    engagement_refresh()
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=5)):
        for days in (30, 90):
            raw, fast = _both(days)
            assert fast == raw
