"""prm.audit.transitions.transition: lock, guard, set, save, audit, in one place."""

import pytest

from content.models import Asset
from content.services import ContentError, asset_archive, asset_publish
from prm.audit.transitions import transition
from prm.models import AuditEvent
from tests.content.factories import AssetFactory


def test_a_transition_sets_saves_and_audits_once(world):
    asset = AssetFactory(status=Asset.Status.DRAFT, published_at=None)
    published = asset_publish(asset=asset, actor=world.manager_a)
    asset.refresh_from_db()
    assert asset.status == Asset.Status.PUBLISHED and asset.published_at is not None
    assert published.published_at == asset.published_at
    assert AuditEvent.objects.filter(action="content.asset_published", actor=world.manager_a).count() == 1
    with pytest.raises(ContentError):
        asset_publish(asset=asset, actor=world.manager_a)
    assert AuditEvent.objects.filter(action="content.asset_published").count() == 1


def test_the_guard_reads_the_locked_row_not_the_stale_instance(world):
    asset = AssetFactory(status=Asset.Status.PUBLISHED)
    stale = Asset.objects.get(pk=asset.pk)
    asset_archive(asset=asset, actor=world.manager_a)
    with pytest.raises(ContentError):
        asset_archive(asset=stale, actor=world.manager_a)  # the stale copy still says published


def test_values_and_audit_data_may_depend_on_the_locked_row(world):
    asset = AssetFactory(status=Asset.Status.DRAFT, title="Before")
    result = transition(
        asset,
        allowed=lambda a: True,
        error=ContentError("never"),
        values=lambda a: {"title": a.title + " and after"},
        action="content.test_transition",
        actor=world.manager_a,
        audit_data=lambda a: {"title": a.title},
    )
    assert Asset.objects.get(pk=asset.pk).title == result.title == "Before and after"
    event = AuditEvent.objects.get(action="content.test_transition")
    assert "Before and after" in str(event.data)
