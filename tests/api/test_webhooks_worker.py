"""Webhook delivery with the project's real Celery worker (tests/celery_worker.py) against
the real Redis broker and the test database: a receiver that is down for a while gets every
event once, in order per object, when it comes back; a worker killed while sending leaves
the delivery to the sweep, and the receiver processes the event once."""

import signal

import pytest
from django.utils import timezone

from incentives import services as incentives
from partners import services as partners
from prm.webhooks import outbox, registry
from prm.webhooks import services as webhooks
from prm.webhooks.models import Attempt, Delivery
from tests.api.receivers import Receiver
from tests.api.scenarios import deal_data
from tests.celery_worker import start_worker, wait_for
from tests.incentives.factories import make_tiers

pytestmark = pytest.mark.django_db(transaction=True)


def worker_for(queue, **env):
    return start_worker(
        queue,
        env={"CELERY_TASK_DEFAULT_QUEUE": queue, "PRM_WEBHOOK_REQUEUE_AFTER": "1", **env},
        capture_output=True,
    )


def stop(worker):
    if worker.poll() is None:
        worker.terminate()
    output = worker.communicate(timeout=60)[0].decode(errors="replace")
    return output


def test_a_receiver_down_for_a_while_gets_every_event_once_in_order(world, celery_queue, tmp_path):
    make_tiers()
    receiver = Receiver("whsec_placeholder", str(tmp_path / "down.sqlite3"))
    codes = [t.code for t in registry.types_for(registry.VENDOR)]
    endpoint, secret = webhooks.endpoint_create(
        owner=world.superuser, partner=None, url=receiver.url, description="", event_types=codes
    )
    receiver.set_secret(secret)  # down: nothing listens on the port yet
    worker = worker_for(celery_queue, PRM_WEBHOOK_RETRY_SCHEDULE="1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1")
    try:
        deals = []
        for n in range(3):  # three objects, three events each, interleaved
            data = deal_data(customer_company=f"Down Test {n} KK", customer_domain=f"down{n}.example.jp")
            deals.append(incentives.deal_register(partner=world.partner_a, user=world.member_a, data=data))
        for deal in deals:
            incentives.deal_approve(deal=deal, actor=world.superuser)
        for deal in deals:
            incentives.deal_close(deal=deal, user=world.member_a, won=True)
        partners.partner_suspend(partner=world.partner_b, actor=world.superuser)
        partners.partner_reactivate(partner=world.partner_b, actor=world.superuser)
        expected = Delivery.objects.count()
        assert expected == 11
        # The receiver stays down while the first attempts fail and are retried.
        assert wait_for(lambda: Attempt.objects.filter(error="connection refused").count() >= 8, timeout=90)
        assert receiver.requests == 0
        receiver.up()
        assert wait_for(lambda: Delivery.objects.filter(status="delivered").count() == expected, timeout=120)
    finally:
        output = stop(worker)
        receiver.down()
    assert "Traceback" not in output, output
    rows = receiver.events()
    assert len(rows) == expected and receiver.requests == expected  # each event once, no repeat
    for deal in deals:
        arrived = [row[1] for row in rows if row[2] == "deal" and row[3] == str(deal.pk)]
        assert arrived == ["deal.submitted", "deal.approved", "deal.won"]
    assert [row[1] for row in rows if row[2] == "partner"] == ["partner.suspended", "partner.activated"]
    assert not Delivery.objects.exclude(status="delivered").exists()
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is None


def test_a_worker_killed_mid_delivery_delivers_once(world, celery_queue, tmp_path, settings):
    settings.PRM_WEBHOOK_REQUEUE_AFTER = 1
    receiver = Receiver("whsec_placeholder", str(tmp_path / "killed.sqlite3"))
    _endpoint, secret = webhooks.endpoint_create(
        owner=world.superuser,
        partner=None,
        url=receiver.url,
        description="",
        event_types=["partner.suspended"],
    )
    receiver.set_secret(secret)
    receiver.delay = 4.0  # the receiver takes its time: the worker is waiting for the answer
    receiver.up()
    first = worker_for(celery_queue, PRM_WEBHOOK_TIMEOUT="3")
    second = None
    try:
        partners.partner_suspend(partner=world.partner_a, actor=world.superuser)
        assert wait_for(receiver.arrived.is_set, timeout=60)
        first.send_signal(signal.SIGKILL)  # in the middle of the request
        first.wait(timeout=30)
        delivery = Delivery.objects.get()
        assert delivery.status == "pending" and delivery.sending_until > timezone.now()
        receiver.delay = 0
        second = worker_for(celery_queue, PRM_WEBHOOK_TIMEOUT="3")
        # The lease runs out (2 x timeout + 5 s); the minute sweep (here: every second) queues it again.
        assert wait_for(
            lambda: outbox.sweep() >= 0 and Delivery.objects.get().status == "delivered", timeout=90
        )
    finally:
        output = stop(second) if second is not None else ""
        if first.poll() is None:
            first.kill()
        receiver.down()
    assert "Traceback" not in output, output
    assert len(receiver.events()) == 1  # processed once: the repeat carried the same webhook-id
    assert receiver.requests == 2  # the first answer never reached the killed worker
    delivery = Delivery.objects.get()
    assert delivery.attempts == 2 and delivery.attempt_log.count() == 1  # the killed attempt left no row
