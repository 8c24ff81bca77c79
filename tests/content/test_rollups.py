"""Content's roll-ups against their raw aggregates over the events (content.rollups): the
engagement counters after a full recount and "partners like you" after a rebuild."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from content import rollups
from content.models import Asset, AssetEvent, SegmentPopularity
from incentives.models import PartnerTierState
from partners.models import Partner, PartnerType
from tests.content.factories import AssetFactory
from tests.factories import PartnerFactory
from tests.incentives.factories import make_tiers


@pytest.fixture
def events(world):
    tiers = make_tiers()
    gamma = PartnerFactory(name="Gamma", partner_type=PartnerType.SOLUTION)
    PartnerTierState.objects.create(partner=world.partner_a, tier=tiers[1])
    PartnerTierState.objects.create(partner=gamma, tier=tiers[2])
    assets = [AssetFactory(title=f"Asset {i}") for i in range(3)]
    now = timezone.now()
    partners = [world.partner_a, world.partner_b, gamma]
    for i, asset in enumerate(assets):
        for j, partner in enumerate(partners):
            for days_ago in (0, 3, 89, 91, 200)[: 2 + (i + j) % 4]:
                kind = AssetEvent.Kind.VIEW if (i + j + days_ago) % 3 else AssetEvent.Kind.DOWNLOAD
                AssetEvent.objects.create(
                    asset=asset,
                    partner=partner,
                    kind=kind,
                    created_at=now - timedelta(days=days_ago, minutes=5),
                )
    return assets


def test_the_recount_equals_the_events(world, events):
    Asset.objects.filter(pk=events[0].pk).update(view_count=99, use_count=7)  # drift
    rollups.engagement_recount()
    raw = {
        r["pk"]: (r["views"], r["downloads"], r["views"] + r["downloads"])
        for r in Asset.objects.annotate(
            views=Count("events", filter=Q(events__kind=AssetEvent.Kind.VIEW)),
            downloads=Count("events", filter=Q(events__kind=AssetEvent.Kind.DOWNLOAD)),
        ).values("pk", "views", "downloads")
    }
    rolled = {a.pk: (a.view_count, a.download_count, a.use_count) for a in Asset.objects.all()}
    assert rolled == raw and any(v[0] for v in raw.values())


def test_partners_like_you_equals_the_views_of_the_last_90_days(world, events):
    rollups.popularity_refresh()
    ranks = {s.partner_id: s.tier.rank for s in PartnerTierState.objects.select_related("tier")}
    types = dict(Partner.objects.values_list("pk", "partner_type"))
    since = timezone.now() - timedelta(days=rollups.POPULARITY_WINDOW_DAYS)
    raw: dict[tuple, set] = {}
    for partner_id, asset_id in AssetEvent.objects.filter(
        kind=AssetEvent.Kind.VIEW, created_at__gte=since
    ).values_list("partner_id", "asset_id"):
        key = (types[partner_id], ranks.get(partner_id, -1), asset_id)
        raw.setdefault(key, set()).add(partner_id)
    rolled = {(r.partner_type, r.tier_rank, r.asset_id): r.partners for r in SegmentPopularity.objects.all()}
    assert rolled == {key: len(partners) for key, partners in raw.items()} and rolled
