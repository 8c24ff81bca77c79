"""The library's cached count follows every change of what a partner may see, and the list
and search pages keep a flat query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import library, services
from content.models import Asset, AssetShare
from tests.admin_edits import admin_delete, admin_save
from tests.content.factories import AssetFactory


def count(client, query=""):
    return client.get(reverse("content:index") + query).context["page"].paginator.count


@pytest.fixture
def library_of_three(world):
    return [AssetFactory(title=f"Visible {i}") for i in range(3)]


def test_a_new_or_edited_asset_changes_the_count(world, client_for, library_of_three):
    client = client_for(world.member_a)
    assert count(client) == 3
    admin_save(AssetFactory(title="Fresh one"), added=True)  # staff add it in the admin
    assert count(client) == 4
    hidden = library_of_three[0]
    hidden.partner_types = ["solution"]  # partner A is a delivery partner
    admin_save(hidden)
    assert count(client) == 3


def test_archive_and_publish_change_the_count(world, client_for, library_of_three):
    client = client_for(world.member_a)
    assert count(client) == 3
    services.asset_archive(asset=library_of_three[0], actor=world.superuser)
    assert count(client) == 2
    services.asset_publish(asset=Asset.objects.get(pk=library_of_three[0].pk), actor=world.superuser)
    assert count(client) == 3


def test_scheduled_assets_published_in_bulk_change_the_count(
    world, client_for, library_of_three, django_capture_on_commit_callbacks
):
    client = client_for(world.member_a)
    AssetFactory(
        title="Later", status=Asset.Status.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1)
    )
    assert count(client) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assets_publish_due() == 1
    assert count(client) == 4


def test_a_share_changes_only_that_partners_count(world, client_for, library_of_three):
    private = AssetFactory(title="Only for A", shared_only=True)
    a, b = client_for(world.member_a), client_for(world.admin_b)
    assert (count(a), count(b)) == (3, 3)
    share = admin_save(AssetShare(asset=private, partner=world.partner_a), via=private)  # an inline
    assert (count(a), count(b)) == (4, 3)
    admin_delete(share, via=private)
    assert count(a) == 3


def test_a_tier_change_changes_the_count(world, client_for, library_of_three):
    from incentives.models import PartnerTierState, Tier

    gold = Tier.objects.filter(rank=3).first() or Tier.objects.create(name="Gold", rank=3)
    AssetFactory(title="Gold only", min_tier=gold)
    client = client_for(world.member_a)
    assert count(client) == 3
    admin_save(PartnerTierState(partner=world.partner_a, tier=gold))
    assert count(client) == 4


def test_search_counts_follow_reindexing(
    world, client_for, library_of_three, django_capture_on_commit_callbacks
):
    client = client_for(world.member_a)
    assert count(client, "?q=zephyr") == 0
    asset = library_of_three[1]
    with django_capture_on_commit_callbacks(execute=True):
        asset.body = "All about the zephyr wind."
        admin_save(asset)  # the admin re-indexes the asset's search text
    assert count(client, "?q=zephyr") == 1


def test_only_the_newest_matches_are_ranked_and_every_match_is_listed(world, client_for, monkeypatch):
    monkeypatch.setattr(library, "RANK_CANDIDATES", 2)
    now = timezone.now()
    best_but_old = AssetFactory(
        title="Zephyr zephyr zephyr", body="zephyr", published_at=now - timedelta(days=90)
    )
    newer = [
        AssetFactory(title=f"Note {i}", body="a zephyr once", published_at=now - timedelta(days=i))
        for i in (1, 2, 3)
    ]
    titles = [a.title for a in client_for(world.member_a).get("/content/?q=zephyr").context["items"]]
    # The two newest matches are ranked; the rest follow newest first (the best match among them).
    assert titles == [newer[0].title, newer[1].title, newer[2].title, best_but_old.title]
    monkeypatch.setattr(library, "RANK_CANDIDATES", 300)
    titles = [a.title for a in client_for(world.member_a).get("/content/?q=zephyr").context["items"]]
    assert titles[0] == best_but_old.title and len(titles) == 4


@pytest.mark.parametrize("query", ["", "?q=asset", "?q=営業資料"])
def test_library_and_search_query_count_do_not_grow(world, client_for, django_assert_max_num_queries, query):
    client = client_for(world.member_a)
    AssetFactory.create_batch(3, title="Asset 営業資料")
    url = reverse("content:index") + query
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    n_small = len(small.captured_queries)  # (the next request resets the connection's log)
    for asset in AssetFactory.create_batch(30, title="Asset 営業資料 more"):
        admin_save(asset, added=True)
    client.get(url)  # the catalogue changed: the count is computed once more, then cached
    with django_assert_max_num_queries(n_small):
        response = client.get(url)
    assert len(response.context["items"]) == 20
