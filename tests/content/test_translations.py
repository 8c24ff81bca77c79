"""An asset's Japanese and English versions are one asset: each reader sees it once, in their
language, with a link to the other; one-language assets stay visible with their badge."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import queries
from tests.content.factories import AssetFactory
from tests.content.test_library import shown

pytestmark = pytest.mark.django_db
ALL = ["onboarding", "selling", "servicing"]


@pytest.fixture
def pair():
    ja = AssetFactory(title="セキュリティホワイトペーパー", language="ja", stages=ALL)
    en = AssetFactory(title="Security white paper", language="en", stages=ALL, translation_of=ja)
    only_en = AssetFactory(title="Partner story (English only)", language="en", stages=ALL)
    only_ja = AssetFactory(title="導入事例（日本語のみ）", language="ja", stages=ALL)
    return ja, en, only_en, only_ja


def _as(user, language, client_for):
    user.language = language
    user.save(update_fields=["language"])
    return client_for(user)


def test_the_library_shows_the_readers_language_once(world, client_for, pair):
    ja, en, only_en, only_ja = pair
    client = _as(world.member_a, "ja", client_for)
    assert shown(client.get(reverse("content:index"))) == {ja.title, only_en.title, only_ja.title}
    client = _as(world.member_a, "en", client_for)
    assert shown(client.get(reverse("content:index"))) == {en.title, only_en.title, only_ja.title}
    # Filtering by language shows that language's versions.
    assert shown(client.get(reverse("content:index"), {"language": "ja"})) == {ja.title, only_ja.title}
    # Search finds the asset once.
    assert shown(client.get(reverse("content:index"), {"q": "セキュリティ"})) <= {en.title, ja.title}


def test_the_detail_page_links_the_other_language(world, client_for, pair):
    ja, en, *_ = pair
    html = (
        _as(world.member_a, "ja", client_for).get(reverse("content:detail", args=[ja.pk])).getvalue().decode()
    )
    assert 'data-testid="other-version"' in html and reverse("content:detail", args=[en.pk]) in html
    html = client_for(world.member_a).get(reverse("content:detail", args=[en.pk])).getvalue().decode()
    assert reverse("content:detail", args=[ja.pk]) in html


def test_recommendations_and_digests_show_each_asset_once(world, pair):
    ja, en, only_en, only_ja = pair
    partner = world.partner_a
    recs = {r.asset.pk for r in queries.recommendations(partner=partner, user=world.member_a, limit=10)}
    assert en.pk in recs and ja.pk not in recs  # the test runs in English (conftest)
    since = timezone.now() - timedelta(days=365)
    ja_digest = {a.pk for a in queries.digest_assets(partner=partner, since=since, language="ja")}
    assert ja_digest == {ja.pk, only_en.pk, only_ja.pk}
    en_digest = {a.pk for a in queries.digest_assets(partner=partner, since=since, language="en")}
    assert en_digest == {en.pk, only_en.pk, only_ja.pk}


def test_a_translation_must_be_in_the_other_language(pair):
    from django.core.exceptions import ValidationError

    _ja, en, only_en, _only_ja = pair
    only_en.translation_of = en
    with pytest.raises(ValidationError):
        only_en.clean()  # a translation of a translation
    only_en.translation_of = AssetFactory(language="en")
    with pytest.raises(ValidationError):
        only_en.clean()  # same language


def test_engagement_is_counted_per_asset_and_per_language(world, pair, client_for):
    from content import services
    from content.models import AssetEvent
    from partners.models import Partner

    ja, en, _only_en, _only_ja = pair
    for asset, user in ((ja, world.member_a), (ja, world.admin_a), (en, world.member_a)):
        services.event_record(asset=asset, partner=world.partner_a, user=user, kind=AssetEvent.Kind.VIEW)
    rows = queries.engagement_by_translation(
        since=timezone.now() - timedelta(days=1), partners=Partner.objects.all()
    )
    row = next(r for r in rows if r["asset"] == ja)
    assert (row["views_ja"], row["views_en"], row["total"]) == (2, 1, 3)
    assert all(r["asset"] != en for r in rows)  # the English version counts with its original
    html = client_for(world.manager_a).get(reverse("content:staff_analytics")).getvalue().decode()
    assert 'data-testid="by-language"' in html
