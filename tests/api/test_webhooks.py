"""Webhooks end to end (eager Celery, a real HTTP receiver): every event type arrives,
signed per Standard Webhooks and verified by its reference library; nothing is written when
no endpoint listens; payloads carry the API's representation; partners get only their own
events."""

import pytest
from django.core import mail

from prm.webhooks import registry
from prm.webhooks import services as webhooks
from prm.webhooks.models import Delivery, Event
from tests.api.receivers import Receiver
from tests.api.scenarios import raise_every_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def receivers(tmp_path):
    started = []

    def make(name):
        receiver = Receiver("whsec_placeholder", str(tmp_path / f"{name}.sqlite3"))
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.down()


def subscribe(receiver, *, owner, partner=None, audience):
    codes = [t.code for t in registry.types_for(audience)]
    endpoint, secret = webhooks.endpoint_create(
        owner=owner, partner=partner, url=receiver.url, description="test", event_types=codes
    )
    receiver.set_secret(secret)
    receiver.up()
    return endpoint


def test_nothing_is_written_when_no_endpoint_listens(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        raise_every_event(world)
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_every_event_type_reaches_its_receivers_signed(world, receivers, django_capture_on_commit_callbacks):
    vendor = receivers("vendor")
    partner = receivers("partner")
    subscribe(vendor, owner=world.superuser, audience=registry.VENDOR)
    subscribe(partner, owner=world.admin_a, partner=world.partner_a, audience=registry.PARTNER)
    with django_capture_on_commit_callbacks(execute=True):
        objects = raise_every_event(world)
    assert Delivery.objects.exclude(status=Delivery.Status.DELIVERED).count() == 0
    vendor_types = {row[1] for row in vendor.events()}
    assert vendor_types == {t.code for t in registry.types_for(registry.VENDOR)}
    assert vendor_types == {t.code for t in registry.all_types()}  # every type, each verified
    partner_rows = partner.events()
    assert {row[1] for row in partner_rows} == {t.code for t in registry.types_for(registry.PARTNER)}
    # Partner A's endpoint hears only about partner A (the other partner's lifecycle: no).
    assert {row[4] for row in partner_rows} == {world.partner_a.pk}
    # Payloads carry the API's representation, per audience: reviewers see the conflict flag.
    deal = objects["deal"]
    assert vendor.store.object("deal", deal.pk)["possible_conflict"] is False
    assert "possible_conflict" not in partner.store.object("deal", deal.pk)
    assert partner.store.object("deal", deal.pk)["stage"] == "won"
    assert vendor.store.object("partner", objects["new_partner"].pk)["status"] == "offboarded"
    # A lead: the partner holding it reads it as on its page; a declined one is not theirs.
    lead = objects["lead"]
    assert partner.store.object("lead", lead.pk)["deal_id"] == lead.deal_id
    assert vendor.store.object("lead", lead.pk)["partner"]["id"] == world.partner_a.pk
    declined = objects["declined_lead"]
    assert vendor.store.object("lead", declined.pk)["contact_email"] == "yamada@test-shoji.example.jp"
    assert not any(row[1] == "lead.declined" for row in partner_rows)


def test_a_forged_or_stale_request_is_refused_by_the_receiver(
    world, receivers, django_capture_on_commit_callbacks
):
    import urllib.request

    receiver = receivers("forged")
    subscribe(receiver, owner=world.superuser, audience=registry.VENDOR)
    request = urllib.request.Request(  # noqa: S310 - our own test receiver
        receiver.url,
        data=b'{"type":"deal.approved","timestamp":"2026-01-01T00:00:00Z","data":{}}',
        headers={"webhook-id": "msg_x", "webhook-timestamp": "1700000000", "webhook-signature": "v1,AAAA"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - our own test receiver
    assert refused.value.code == 401
    assert receiver.events() == []


def test_secret_rotation_signs_with_both_for_a_day(world, receivers, django_capture_on_commit_callbacks):
    from partners.services import partner_suspend

    receiver = receivers("rotation")
    endpoint = subscribe(receiver, owner=world.superuser, audience=registry.VENDOR)
    old = receiver.secret
    new = webhooks.endpoint_rotate_secret(endpoint=endpoint, actor=world.superuser)
    assert new != old
    with django_capture_on_commit_callbacks(execute=True):
        partner_suspend(partner=world.partner_a, actor=world.superuser)
    assert len(receiver.events()) == 1  # verified with the old secret: both signed
    receiver.set_secret(new)
    from partners.services import partner_reactivate
    from partners.services import partner_suspend as suspend_again

    with django_capture_on_commit_callbacks(execute=True):
        partner_reactivate(partner=world.partner_a, actor=world.superuser)
        suspend_again(partner=world.partner_a, actor=world.superuser)
    assert len(receiver.events()) == 3  # and with the new one (reactivated, suspended)


def test_failing_endpoint_is_disabled_after_every_attempt_and_the_owner_is_told(
    world, receivers, settings, django_capture_on_commit_callbacks, time_machine
):
    from partners.services import partner_suspend
    from prm.webhooks import outbox

    settings.PRM_WEBHOOK_RETRY_SCHEDULE = [1, 1]
    receiver = receivers("down")
    endpoint = subscribe(receiver, owner=world.superuser, audience=registry.VENDOR)
    receiver.down()
    with django_capture_on_commit_callbacks(execute=True):
        partner_suspend(partner=world.partner_a, actor=world.superuser)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == Delivery.Status.PENDING
    assert delivery.last_error == "connection refused"
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(2):
        time_machine.shift(200)  # past the back-off and the sweep's wait for a queued task
        with django_capture_on_commit_callbacks(execute=True):
            outbox.sweep()
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 3
    assert not endpoint.is_active and endpoint.disabled_reason == "failing"
    assert [m.to for m in mail.outbox if endpoint.url in m.body] == [[world.superuser.email]]
    # New events keep queueing while it is disabled; turned on again, they are sent in order.
    from partners.services import partner_reactivate

    with django_capture_on_commit_callbacks(execute=True):
        partner_reactivate(partner=world.partner_a, actor=world.superuser)
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 1
    receiver.up()
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.endpoint_resume(endpoint=endpoint, actor=world.superuser)
    assert [row[1] for row in receiver.events()] == ["partner.activated"]
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.endpoint_redeliver_failed(endpoint=endpoint, actor=world.superuser) == 1
    assert [row[1] for row in receiver.events()] == ["partner.activated", "partner.suspended"]
