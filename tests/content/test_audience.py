"""Audience rules (type, tier, named partner, status) everywhere a partner meets assets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import queries
from content.models import Asset, AssetShare
from content.services import asset_version_add
from incentives.models import Tier
from tests.content.factories import AssetFactory, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(world, facts):
    """Partner A is delivery (tier Gold, rank 2), partner B is sales (no tier)."""
    gold = Tier.objects.create(name="Gold", rank=2)
    platinum = Tier.objects.create(name="Platinum", rank=3)
    facts.tier(world.partner_a, 2)
    assets = {
        "open": AssetFactory(title="Open to all zebra"),
        "delivery": AssetFactory(title="Delivery only zebra", partner_types=["delivery"]),
        "sales": AssetFactory(title="Sales only zebra", partner_types=["sales"]),
        "gold": AssetFactory(title="Gold tier zebra", min_tier=gold),
        "platinum": AssetFactory(title="Platinum tier zebra", min_tier=platinum),
        "named": AssetFactory(title="Named for A zebra", shared_only=True),
        "named_extra": AssetFactory(title="Sales but shared with A zebra", partner_types=["sales"]),
        "draft": AssetFactory(title="Draft zebra", status=Asset.Status.DRAFT, published_at=None),
        "scheduled": AssetFactory(
            title="Scheduled zebra",
            status=Asset.Status.SCHEDULED,
            publish_at=timezone.now() + timedelta(days=1),
            published_at=None,
        ),
        "archived": AssetFactory(title="Archived zebra", status=Asset.Status.ARCHIVED),
    }
    AssetShare.objects.create(asset=assets["named"], partner=world.partner_a)
    AssetShare.objects.create(asset=assets["named_extra"], partner=world.partner_a)
    for asset in assets.values():
        asset_version_add(asset=asset, upload=pdf_upload())
    return assets


VISIBLE_A = {"open", "delivery", "gold", "named", "named_extra"}
VISIBLE_B = {"open", "sales", "named_extra"}


def _shown(cast, response):
    ids = {int(x) for x in re.findall(r'data-asset="(\d+)"', response.getvalue().decode())}
    return {k for k, a in cast.items() if a.pk in ids}


def _keys(cast, titles):
    by_title = {a.title: k for k, a in cast.items()}
    return {by_title[t] for t in titles if t in by_title}


def test_visible_assets_follow_type_tier_share_and_status(world, cast):
    a = {a.title for a in queries.visible_assets(world.partner_a)}
    b = {a.title for a in queries.visible_assets(world.partner_b)}
    assert _keys(cast, a) == VISIBLE_A
    assert _keys(cast, b) == VISIBLE_B


def test_library_listing_shows_only_the_audience(world, cast, client_for):
    for user, wanted in ((world.member_a, VISIBLE_A), (world.admin_b, VISIBLE_B)):
        assert _shown(cast, client_for(user).get(reverse("content:index"))) == wanted


def test_search_shows_only_the_audience(world, cast, client_for):
    response = client_for(world.admin_b).get(reverse("content:index"), {"q": "zebra"})
    assert _shown(cast, response) == VISIBLE_B
    found = queries.search_for_partner(partner=world.partner_b, query="zebra", limit=20)
    assert _keys(cast, [a.title for a in found]) == VISIBLE_B


def test_recommendations_only_offer_the_audience(world, cast):
    for user, partner, wanted in (
        (world.member_a, world.partner_a, VISIBLE_A),
        (world.admin_b, world.partner_b, VISIBLE_B),
    ):
        recs = queries.recommendations(partner=partner, user=user, limit=50)
        assert _keys(cast, [r.asset.title for r in recs]) <= wanted
        assert _keys(cast, [r.asset.title for r in recs])


@pytest.mark.parametrize("name", ["content:detail", "content:download", "content:file"])
def test_detail_and_files_are_404_outside_the_audience(world, cast, client_for, name):
    client = client_for(world.admin_b)
    for key, asset in cast.items():
        response = client.get(reverse(name, args=[asset.pk]))
        assert response.status_code == (200 if key in VISIBLE_B else 404), key


def test_download_is_an_attachment_served_through_the_view(world, cast, client_for):
    response = client_for(world.member_a).get(reverse("content:download", args=[cast["gold"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_preview_is_inline(world, cast, client_for):
    response = client_for(world.member_a).get(reverse("content:file", args=[cast["open"].pk]))
    assert response["Content-Disposition"].startswith("inline")


def test_asset_for_partner_contract(world, cast):
    assert queries.asset_for_partner(partner=world.partner_a, pk=cast["gold"].pk) == cast["gold"]
    assert queries.asset_for_partner(partner=world.partner_b, pk=cast["gold"].pk) is None
    assert queries.asset_for_partner(partner=world.partner_b, pk="nonsense") is None


def test_without_tiers_min_tier_assets_are_hidden(world, cast, facts):
    facts.tier(world.partner_a, None)
    assert "gold" not in _keys(cast, [a.title for a in queries.visible_assets(world.partner_a)])


def test_bookmarks_page_hides_assets_that_left_the_audience(world, cast, client_for):
    from content.services import bookmark_toggle

    bookmark_toggle(user=world.member_a, partner=world.partner_a, asset=cast["open"])
    bookmark_toggle(user=world.member_a, partner=world.partner_a, asset=cast["delivery"])
    Asset.objects.filter(pk=cast["delivery"].pk).update(status=Asset.Status.ARCHIVED)
    body = client_for(world.member_a).get(reverse("content:bookmarks")).getvalue().decode()
    assert cast["open"].title in body
    assert cast["delivery"].title not in body
