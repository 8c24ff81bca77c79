"""The operators' management commands call the services beat and the workers call."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from content.models import Asset
from incentives.models import PartnerTierState, RecomputationRun
from tests.content.factories import AssetFactory
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory, make_tiers

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_recompute_tiers_moves_a_partner_up(django_capture_on_commit_callbacks):
    tiers = make_tiers()
    type(tiers[1]).objects.filter(pk=tiers[1].pk).update(min_certified_people=0)  # revenue and deals only
    partner = PartnerFactory()
    DealFactory.create_batch(2, partner=partner, won=True, amount=Decimal(3_000_000))
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("recompute_tiers")
    assert "changes" in out
    assert RecomputationRun.objects.count() == 1
    assert PartnerTierState.objects.get(partner=partner).tier == tiers[1]


def test_recompute_tiers_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--as-of"):
        call_command("recompute_tiers", "--as-of", "yesterday")


def test_reindex_content_rebuilds_search_vectors():
    asset = AssetFactory(title="販売パートナー向けガイド", indexed=False)
    assert Asset.objects.get(pk=asset.pk).search_vector is None
    assert "1 assets reindexed" in _run("reindex_content")
    assert Asset.objects.filter(pk=asset.pk, search_vector__isnull=False).exists()


def test_refresh_rollups_runs_every_rollup():
    out = _run("refresh_rollups")
    for label in (
        "program cost",
        "onboarding task lateness",
        "deals per partner",
        "content engagement",
        "partner activation",
    ):
        assert label in out
    assert "8 roll-ups rebuilt" in out


def test_send_test_email_sends_one_message_in_the_chosen_language():
    _run("send_test_email", "ops@example.com", "--language", "en")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.com"]
    assert message.subject == "Test e-mail from the partner portal"
    assert "can send e-mail" in message.body


def test_send_test_email_through_a_worker_uses_the_task():
    # Tasks run eagerly in tests: the worker's path renders and sends the same message.
    _run("send_test_email", "ops@example.com", "--via-worker")
    assert len(mail.outbox) == 1
    assert "Celery worker" in mail.outbox[0].body


def test_send_test_email_refuses_a_non_address():
    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command("send_test_email", "not-an-address")
    assert mail.outbox == []
