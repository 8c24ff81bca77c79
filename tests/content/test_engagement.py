from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import services, tasks
from content.models import Asset, AssetEvent, SearchLog
from content.services import asset_version_add
from tests.content.factories import AssetFactory, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_view_is_one_insert_and_tells_onboarding_on_commit(
    world, client_for, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from onboarding.models import TaskKind
    from tests.onboarding.factories import PlanFactory, TaskFactory

    asset = AssetFactory()
    plan = PlanFactory(partner=world.partner_a)
    TaskFactory(plan=plan)  # keeps the plan running
    read = TaskFactory(plan=plan, kind=TaskKind.ASSET, asset=asset)
    client = client_for(world.member_a)
    client.get(reverse("content:detail", args=[asset.pk]))  # warm caches
    AssetEvent.objects.all().delete()
    read.refresh_from_db()
    assert read.status == "open"  # the warm-up view was never committed
    with django_capture_on_commit_callbacks(execute=True):
        services.event_record(asset=asset, partner=world.partner_a, user=world.member_a, kind="view")
    read.refresh_from_db()
    assert read.status == "done" and read.completed_by == world.member_a
    with django_assert_num_queries(1):
        services.event_record(asset=asset, partner=world.partner_a, user=world.member_a, kind="download")


def test_asset_page_records_a_view_and_download_records_a_download(world, client_for):
    asset = AssetFactory(kind=Asset.Kind.FILE)
    asset_version_add(asset=asset, upload=pdf_upload())
    client = client_for(world.member_a)
    client.get(reverse("content:detail", args=[asset.pk]))
    client.get(reverse("content:download", args=[asset.pk]))
    assert sorted(AssetEvent.objects.values_list("kind", "partner_id", "user_id")) == [
        ("download", world.partner_a.pk, world.member_a.pk),
        ("view", world.partner_a.pk, world.member_a.pk),
    ]
    asset.refresh_from_db()
    assert asset.view_count == 0  # counters are folded in by the periodic job, not per request


def test_counters_are_folded_in_set_based_and_once(world):
    a, b = AssetFactory(), AssetFactory()
    old = timezone.now() - timedelta(minutes=10)
    for asset, kind in ((a, "view"), (a, "view"), (a, "download"), (b, "view")):
        AssetEvent.objects.create(
            asset=asset, partner=world.partner_a, user=world.member_a, kind=kind, created_at=old
        )
    AssetEvent.objects.create(asset=b, partner=world.partner_a, user=world.member_a, kind="view")  # too fresh
    assert tasks.aggregate_engagement() == 4
    assert tasks.aggregate_engagement() == 0  # idempotent: the cursor moved
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.view_count, a.download_count, a.use_count) == (2, 1, 3)
    assert (b.view_count, b.use_count) == (1, 1)
    Asset.objects.filter(pk=a.pk).update(view_count=99)
    tasks.recount_engagement()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.view_count == 2 and b.view_count == 2


def test_most_used_sort(world, client_for):
    AssetFactory(title="Rarely used", use_count=1)
    AssetFactory(title="Often used", use_count=50)
    body = client_for(world.member_a).get(reverse("content:index"), {"sort": "popular"}).getvalue().decode()
    assert body.index("Often used") < body.index("Rarely used")


def test_staff_analytics_page_and_csv(world, client_for):
    asset = AssetFactory(title="Busy asset", stages=["selling"])
    AssetFactory(title="Lonely asset")
    AssetEvent.objects.create(asset=asset, partner=world.partner_a, user=world.member_a, kind="view")
    AssetEvent.objects.create(asset=asset, partner=world.partner_b, user=world.admin_b, kind="download")
    SearchLog.objects.create(
        partner=world.partner_a, user=world.member_a, query="見つからない資料", result_count=0
    )
    SearchLog.objects.create(
        partner=world.partner_b, user=world.admin_b, query="beta secret query", result_count=0
    )
    client = client_for(world.manager_a)
    body = client.get(reverse("content:staff_analytics")).getvalue().decode()
    assert "Busy asset" in body and "Lonely asset" in body and "見つからない資料" in body
    assert world.partner_a.name in body
    # manager_a manages partner A only: B's activity and searches are not shown.
    assert "Beta Holdings" not in body and "beta secret query" not in body
    csv = client.get(reverse("content:staff_analytics"), {"export": "top"}).getvalue().decode("utf-8")
    assert csv.startswith("\ufeff") and "Busy asset" in csv
    csv = client.get(reverse("content:staff_analytics"), {"export": "unopened"}).getvalue().decode("utf-8")
    assert "Lonely asset" in csv and "Busy asset" not in csv
    csv = client.get(reverse("content:staff_analytics"), {"export": "partners"}).getvalue().decode("utf-8")
    assert world.partner_a.name in csv and "Beta Holdings" not in csv
    csv = client.get(reverse("content:staff_analytics"), {"export": "searches"}).getvalue().decode("utf-8")
    assert "見つからない資料" in csv


def test_scheduled_assets_are_published_when_due(world):
    due = AssetFactory(
        status=Asset.Status.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1), published_at=None
    )
    later = AssetFactory(
        status=Asset.Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=1), published_at=None
    )
    assert tasks.publish_due_assets() == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Asset.Status.PUBLISHED and due.published_at == due.publish_at
    assert later.status == Asset.Status.SCHEDULED


def test_bookmark_toggle_and_htmx(world, client_for):
    asset = AssetFactory(title="Keep me")
    client = client_for(world.member_a)
    url = reverse("content:bookmark", args=[asset.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.getvalue().decode()
    assert "Keep me" in client.get(reverse("content:bookmarks")).getvalue().decode()
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in response.getvalue().decode()
    assert client.get(url).status_code == 405


def test_article_draft_create_contract(world):
    asset = services.article_draft_create(
        title="VPN接続エラーの対処法",
        body="## 手順\n\n再起動してください。",
        language="ja",
        actor=world.support,
        tags=("VPN", "サポート"),
    )
    assert asset.status == Asset.Status.DRAFT and asset.kind == Asset.Kind.ARTICLE
    assert asset.source == Asset.Source.EMPLOYEE and asset.author == world.support
    assert sorted(t.name for t in asset.tags.all()) == ["VPN", "サポート"]
    assert asset.summary == "手順"
    asset.refresh_from_db()
    assert asset.search_vector
    with pytest.raises(services.ContentError):
        services.article_draft_create(title=" ", body="x", language="ja", actor=world.support)
