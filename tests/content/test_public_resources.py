"""The prospects' library: public assets on their own pages and the landing page, with
their own anonymous counts, and nothing of the partners' audience rules or data."""

import pytest
from django.core.cache import cache

from content.models import Asset, PublicAssetEvent
from content.queries import public_counts
from content.services import asset_version_add
from tests.content.factories import AssetFactory, png_upload

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


@pytest.fixture
def public():
    asset = AssetFactory(title="Partner programme guide", kind=Asset.Kind.FILE, is_public=True)
    asset_version_add(asset=asset, upload=png_upload("guide.png"))
    return asset


def test_public_assets_are_listed_for_anyone_and_private_ones_are_not(
    client, public, django_assert_max_num_queries
):
    AssetFactory(title="Partners-only price list")
    AssetFactory(title="Public draft", is_public=True, status=Asset.Status.DRAFT)
    for n in range(5):
        AssetFactory(title=f"Public note {n}", is_public=True)
    cache.clear()
    with django_assert_max_num_queries(6):  # no N+1 over the cards
        body = client.get("/resources/").content.decode()
    assert "Partner programme guide" in body and "Public note 4" in body
    assert "Partners-only price list" not in body and "Public draft" not in body
    landing = client.get("/").content.decode()
    assert 'data-testid="landing-resources"' in landing and "/resources/" in landing


def test_views_and_downloads_are_counted_once_per_visitor_and_day(client, public):
    for _ in range(2):
        assert client.get(f"/resources/{public.pk}/", **BROWSER).status_code == 200
    response = client.get(f"/resources/{public.pk}/download/", **BROWSER)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    client.get(f"/resources/{public.pk}/", HTTP_USER_AGENT="Googlebot/2.1")  # a crawler counts nothing
    assert public_counts(public) == {"view": 1, "download": 1}
    public.refresh_from_db()
    assert public.view_count == 0 and public.download_count == 0  # the partners' counts stay apart


def test_a_private_or_unpublished_asset_is_not_found(client):
    # Partner A's shared-only asset is the tenancy matrix's leak check on /resources/ (tests/content/tenancy_rows.py).
    private = AssetFactory(title="Tier-only playbook")
    assert client.get(f"/resources/{private.pk}/").status_code == 404
    assert client.get(f"/resources/{private.pk}/download/").status_code == 404
    draft = AssetFactory(title="Public, not yet published", is_public=True, status=Asset.Status.DRAFT)
    assert client.get(f"/resources/{draft.pk}/").status_code == 404
    assert not PublicAssetEvent.objects.exists()
