"""The library, bookmarks and home pages run a constant number of queries as assets grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import Asset, AssetEvent, Bookmark, Collection, Tag
from content.search import index_assets
from tests import cacheguard

pytestmark = pytest.mark.django_db


def grow(world, n):
    """Bring the library to n published assets with tags, collections, bookmarks and events."""
    have = Asset.objects.count()
    parent, _ = Collection.objects.get_or_create(slug="root", parent=None, defaults={"name": "Root"})
    child, _ = Collection.objects.get_or_create(slug="child", parent=parent, defaults={"name": "Child"})
    tag, _ = Tag.objects.get_or_create(slug="guide", defaults={"name": "guide"})
    new = Asset.objects.bulk_create(
        Asset(
            title=f"Guide {i} 営業資料",
            summary="Partner guide",
            stages=["selling", "onboarding"][: 1 + i % 2],
            partner_types=[] if i % 3 else ["delivery"],
            status="published",
            published_at=f"2026-0{1 + i % 9}-1{i % 10}T10:00:00Z",
            collection=child if i % 2 else parent,
        )
        for i in range(have, n)
    )
    Asset.tags.through.objects.bulk_create(Asset.tags.through(asset_id=a.pk, tag_id=tag.pk) for a in new)
    with cacheguard.test_data():
        index_assets([a.pk for a in new])
    Bookmark.objects.bulk_create(
        Bookmark(user=world.member_a, partner=world.partner_a, asset=a) for a in new[::7]
    )
    AssetEvent.objects.bulk_create(
        AssetEvent(asset=a, partner=world.partner_b, user=world.admin_b, kind="view") for a in new[::3]
    )


def count(client, url, data=None):
    """The page's queries when it is computed (nothing cached)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("content:index", None),
        ("content:index", {"q": "営業資料 guide", "sort": "relevance"}),
        ("content:index", {"stage": "selling", "collection": "PARENT", "sort": "popular", "page": "2"}),
        ("content:bookmarks", None),
        ("home", None),
    ],
)
def test_flat_query_count_from_10_to_1000_assets(world, client_for, django_assert_max_num_queries, url, data):
    client = client_for(world.member_a)
    grow(world, 10)
    if data and data.get("collection") == "PARENT":
        data = {**data, "collection": Collection.objects.get(slug="root").pk}
    small = count(client, reverse(url), data)
    grow(world, 1000)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(small):
        client.get(reverse(url), data or {})
