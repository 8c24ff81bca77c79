import re

import pytest
from django.urls import reverse

from content.models import Asset
from tests.content.factories import AssetFactory, CollectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def shown(response):
    ids = {
        int(x)
        for x in re.findall(
            r'<li class="list-group-item[^"]*" data-asset="(\d+)"', response.getvalue().decode()
        )
    }
    return {a.title for a in Asset.objects.filter(pk__in=ids)}


@pytest.fixture
def shelf():
    root = CollectionFactory(name="Sales")
    child = CollectionFactory(name="Pitch decks", parent=root)
    other = CollectionFactory(name="Support")
    tag = TagFactory(name="pricing", slug="pricing")
    AssetFactory(title="Root article", collection=root, stages=["selling"], language="en")
    AssetFactory(
        title="Child deck", collection=child, kind=Asset.Kind.FILE, stages=["onboarding"], tags=[tag]
    )
    AssetFactory(title="Support runbook", collection=other, stages=["servicing"], language="ja")
    return {"root": root, "child": child, "other": other}


def test_collection_includes_nested_collections(world, client_for, shelf):
    client = client_for(world.member_a)
    assert shown(client.get(reverse("content:index"), {"collection": shelf["root"].pk})) == {
        "Root article",
        "Child deck",
    }
    assert shown(client.get(reverse("content:index"), {"collection": shelf["child"].pk})) == {"Child deck"}


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"stage": "servicing"}, {"Support runbook"}),
        ({"kind": "file"}, {"Child deck"}),
        ({"language": "ja"}, {"Support runbook"}),
        ({"tag": "pricing"}, {"Child deck"}),
        ({"stage": "nonsense"}, {"Root article", "Child deck", "Support runbook"}),
        ({"collection": "x"}, {"Root article", "Child deck", "Support runbook"}),
    ],
)
def test_filters(world, client_for, shelf, params, titles):
    assert shown(client_for(world.member_a).get(reverse("content:index"), params)) == titles


def test_pagination_and_newest_first(world, client_for):
    for i in range(25):
        AssetFactory(title=f"Item {i:02d}", published_at=f"2026-01-{i + 1:02d}T09:00:00Z")
    client = client_for(world.member_a)
    first = client.get(reverse("content:index")).getvalue().decode()
    assert first.index("Item 24") < first.index("Item 23")
    assert "Item 04" not in first
    second = client.get(reverse("content:index"), {"page": 2}).getvalue().decode()
    assert "Item 04" in second and "Item 24" not in second


def test_empty_library_shows_an_empty_state(world, client_for):
    world.member_a.language = "en"
    world.member_a.save()
    body = client_for(world.member_a).get(reverse("content:index")).getvalue().decode()
    assert "No content has been published for your company yet." in body
