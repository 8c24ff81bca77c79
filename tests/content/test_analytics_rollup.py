"""The staff analytics roll-ups (AssetEngagement, PartnerEngagement) against the raw events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import queries, rollups, tasks
from content.models import ANALYTICS_PERIODS, AssetEvent
from partners.models import Partner
from tests.content.factories import AssetFactory


@pytest.fixture
def events(world):
    now = timezone.now()
    busy = AssetFactory(title="Busy asset", stages=["selling"], language="ja")
    busy_en = AssetFactory(title="Busy asset EN", stages=["selling"], language="en", translation_of=busy)
    onboarding = AssetFactory(title="Onboarding guide", stages=["onboarding", "servicing"])
    old = AssetFactory(title="Old favourite", stages=["selling"])
    AssetFactory(title="Lonely asset")
    AssetFactory(title="Draft asset", status="draft")
    rows = [  # (asset, partner, user, kind, days ago)
        (busy, world.partner_a, world.member_a, "view", 1),
        (busy, world.partner_a, world.admin_a, "view", 2),
        (busy, world.partner_b, world.admin_b, "download", 3),
        (busy_en, world.partner_a, world.member_a, "view", 20),
        (busy_en, world.partner_b, world.admin_b, "download", 40),
        (onboarding, world.partner_a, world.member_a, "download", 5),
        (onboarding, world.partner_b, None, "view", 80),
        (old, world.partner_b, world.admin_b, "view", 200),
        (old, world.partner_a, world.member_a, "view", 400),
    ]
    for asset, partner, user, kind, days in rows:
        event = AssetEvent.objects.create(asset=asset, partner=partner, user=user, kind=kind)
        AssetEvent.objects.filter(pk=event.pk).update(created_at=now - timedelta(days=days, minutes=1))
    return now


def _ids(qs):
    return [a.pk for a in qs]


@pytest.mark.parametrize("days", ANALYTICS_PERIODS)
def test_rollups_equal_the_raw_aggregates(world, events, days):
    now = events
    rollups.analytics_refresh(now=now)
    since = now - timedelta(days=days)
    everyone = Partner.objects.all()
    rolled = queries.staff_analytics(days=days, partners=everyone, top_limit=None)
    assert rolled.as_of == now
    assert rolled.top == queries.top_assets_by_stage(since=since, limit=None)
    assert list(rolled.engagement) == list(queries.partner_engagement(everyone, since=since))
    assert rolled.by_language == queries.engagement_by_translation(since=since, partners=everyone)
    assert _ids(rolled.unopened) == _ids(queries.unopened_assets())
    # An assigned manager's scope: the same figures for their partner only.
    mine = Partner.objects.filter(pk=world.partner_a.pk)
    scoped = queries.staff_analytics(days=days, partners=mine)
    assert list(scoped.engagement) == list(queries.partner_engagement(mine, since=since))
    assert scoped.by_language == queries.engagement_by_translation(since=since, partners=mine)


def test_the_rollup_has_the_expected_numbers(world, events):
    rollups.analytics_refresh(now=events)
    top = queries.staff_analytics(days=7, partners=Partner.objects.all()).top["selling"]
    assert [(r["asset__title"], r["views"], r["downloads"], r["partners"]) for r in top] == [
        ("Busy asset", 2, 1, 2)
    ]
    unopened = {a.title for a in queries.staff_analytics(days=90, partners=Partner.objects.all()).unopened}
    assert unopened == {"Lonely asset", "Old favourite"}


def test_the_page_says_how_fresh_the_rollup_is_and_follows_the_next_rebuild(world, events, client_for):
    client = client_for(world.manager_a)
    url = reverse("content:staff_analytics")
    assert "利用記録から今集計しました" in client.get(url).getvalue().decode()  # before any rebuild
    rollups.analytics_refresh(now=events)
    page = client.get(url).getvalue().decode()
    assert 'data-testid="analytics-as-of"' in page and "1時間ごとに再集計" in page
    assert "Lonely asset" in page
    lonely = AssetFactory._meta.model.objects.get(title="Lonely asset")
    AssetEvent.objects.create(asset=lonely, partner=world.partner_a, user=world.member_a, kind="view")
    rollups.analytics_refresh()
    assert (
        "Lonely asset"
        not in client.get(url)
        .getvalue()
        .decode()
        .split('id="partners-title"')[0]
        .split('id="unopened-title"')[1]
    )


def test_the_hourly_task_rebuilds_the_rollups(world, events):
    tasks.refresh_analytics()
    assert queries.analytics_as_of() is not None


def test_analytics_query_count_does_not_grow(world, events, client_for, django_assert_max_num_queries):
    rollups.analytics_refresh(now=events)
    client = client_for(world.manager_a)
    url = reverse("content:staff_analytics")
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for i in range(10):
        asset = AssetFactory(title=f"More {i}", stages=["selling"])
        AssetEvent.objects.create(asset=asset, partner=world.partner_a, user=world.member_a, kind="view")
    rollups.analytics_refresh()
    with django_assert_max_num_queries(25):  # the rebuild's figures read once more
        client.get(url)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_cached_rollup_figures_follow_the_next_rebuild(world, events, client_for):
    """Every-partner readers get the by-language counts and the unopened assets kept until
    the next rebuild: new events show once the roll-up is rebuilt."""
    rollups.analytics_refresh(now=events)
    client = client_for(world.superuser)
    url = reverse("content:staff_analytics")

    def busy_views_ja():
        rows = client.get(url, {"days": 7}).context["by_language"]
        return next(r["views_ja"] for r in rows if r["asset"].title == "Busy asset")

    assert busy_views_ja() == 2
    assert busy_views_ja() == 2  # from the cache
    busy = AssetFactory._meta.model.objects.get(title="Busy asset")
    AssetEvent.objects.create(asset=busy, partner=world.partner_b, user=world.admin_b, kind="view")
    assert busy_views_ja() == 2  # the roll-up has not been rebuilt yet
    rollups.analytics_refresh()
    assert busy_views_ja() == 3
