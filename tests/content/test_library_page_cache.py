"""The library's cached page ids and asset rows follow every change of what they show."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.admin_edits import admin_save
from tests.content.factories import AssetFactory, CollectionFactory, TagFactory


def titles(client, query=""):
    return [a.title for a in client.get(reverse("content:index") + query).context["items"]]


def test_a_new_asset_tops_the_cached_newest_page(world, client_for):
    client = client_for(world.member_a)
    AssetFactory(title="Older", published_at=timezone.now() - timedelta(days=2))
    assert titles(client) == ["Older"]
    assert titles(client) == ["Older"]  # served from the cache
    admin_save(AssetFactory(title="Newer", published_at=timezone.now()), added=True)
    assert titles(client) == ["Newer", "Older"]


def test_tagging_an_asset_changes_the_cached_tag_list(world, client_for):
    client = client_for(world.member_a)
    tag = TagFactory(slug="webinar")
    asset = AssetFactory(title="Untagged yet")
    assert titles(client, "?tag=webinar") == []
    asset.tags.add(tag)
    admin_save(asset, fields=["tags"])
    assert titles(client, "?tag=webinar") == ["Untagged yet"]
    asset.tags.remove(tag)
    admin_save(asset, fields=["tags"])
    assert titles(client, "?tag=webinar") == []


def test_moving_a_collection_changes_the_cached_collection_list(world, client_for):
    client = client_for(world.member_a)
    parent, child = CollectionFactory(name="Parent"), CollectionFactory(name="Child")
    AssetFactory(title="In the child", collection=child)
    assert titles(client, f"?collection={parent.pk}") == []
    child.parent = parent
    admin_save(child)
    assert titles(client, f"?collection={parent.pk}") == ["In the child"]


def test_search_page_follows_reindexing(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.member_a)
    asset = AssetFactory(title="Weather notes", body="nothing here")
    assert titles(client, "?q=zephyr") == []
    with django_capture_on_commit_callbacks(execute=True):
        asset.body = "All about the zephyr wind."
        admin_save(asset)  # the admin re-indexes the asset's search text
    assert titles(client, "?q=zephyr") == ["Weather notes"]


def test_edited_title_and_collection_name_show_on_the_cached_row(world, client_for):
    client = client_for(world.member_a)
    collection = CollectionFactory(name="Brochures")
    asset = AssetFactory(title="First title", collection=collection)
    body = client.get(reverse("content:index")).getvalue().decode()
    assert "First title" in body and "Brochures" in body
    asset.title = "Second title"
    admin_save(asset)
    collection.name = "Leaflets"
    admin_save(collection)
    body = client.get(reverse("content:index")).getvalue().decode()
    assert "Second title" in body and "First title" not in body
    assert "Leaflets" in body


def test_bookmark_star_is_per_user_on_a_cached_row(world, client_for):
    from content.models import Bookmark

    asset = AssetFactory(title="Starred")
    a, b = client_for(world.member_a), client_for(world.admin_a)
    Bookmark.objects.create(user=world.member_a, asset=asset, partner=world.partner_a)
    assert b.get(reverse("content:index")).getvalue().decode().count('<span class="bookmark-star"') == 0
    assert a.get(reverse("content:index")).getvalue().decode().count('<span class="bookmark-star"') == 1


def test_search_page_ids_match_the_full_ranking_on_every_window(world, monkeypatch):
    from content import library
    from content.models import Asset as AssetModel

    monkeypatch.setattr(library, "RANK_CANDIDATES", 3)
    now = timezone.now()
    for i in range(7):
        AssetFactory(
            title="zephyr " * (i % 3 + 1), body=f"note {i} zephyr", published_at=now - timedelta(days=i)
        )
    AssetFactory(title="Unrelated", body="calm", published_at=now)
    qs = AssetModel.objects.filter(status=AssetModel.Status.PUBLISHED)
    full = list(library.search(qs, "zephyr").values_list("pk", flat=True))
    assert len(full) == 7
    for start, stop in [(0, 2), (2, 4), (0, 7), (3, 5), (4, 7), (6, 20)]:
        assert library.search_page_ids(qs, "zephyr", start, stop) == full[start:stop]


def test_a_renamed_related_asset_shows_on_its_cached_card(world, client_for):
    tag = TagFactory(slug="pricing")
    page, other = AssetFactory(title="The page", tags=[tag]), AssetFactory(title="Related one", tags=[tag])
    client = client_for(world.member_a)

    def related():
        body = client.get(reverse("content:detail", args=[page.pk])).getvalue().decode()
        return body[body.index('id="related-title"') :]

    assert "Related one" in related()
    other.title = "Related renamed"
    admin_save(other)
    assert "Related renamed" in related() and "Related one" not in related()
