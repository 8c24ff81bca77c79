"""Sending deliveries: one attempt at a time, in order per object and endpoint, with an
exponential back-off of more than 24 hours (whatever a lost task left, `outbox.sweep` queues again).

A delivery is claimed under a row lock with a lease (`sending_until`): a worker killed while
sending leaves the lease to expire, then the sweep queues it again; the receiver gets the
same `webhook-id` and body again and can ignore what it has already processed (the Standard
Webhooks contract: at least once, deduplicated by id). A success clears the endpoint's
failure streak and queues the next event of the same object. A delivery that fails every
attempt is marked failed; if the endpoint has not succeeded since, it is disabled and its
owner is e-mailed (new events keep queueing until the owner turns it on again)."""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prm.webhooks import http, outbox, registry, signing
from prm.webhooks.models import Attempt, Delivery, Endpoint, Event
from prm.webhooks.services import endpoint_disable_failing

logger = logging.getLogger(__name__)

QUEUE_NOW_IF_WITHIN = 600  # back-offs up to this many seconds are queued with a countdown


def schedule() -> tuple[int, ...]:
    """Seconds to wait after the 1st, 2nd, ... failed attempt (settings: by default 5 s,
    5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27.5 hours)."""
    return tuple(settings.PRM_WEBHOOK_RETRY_SCHEDULE)


def timeout() -> float:
    return float(settings.PRM_WEBHOOK_TIMEOUT)


def lease() -> timedelta:
    """How long a claimed delivery counts as being sent: the connect and read timeouts with
    room to spare. A worker that dies mid-send leaves it for the sweep after this."""
    return timedelta(seconds=2 * timeout() + 5)


def _blocked(delivery: Delivery) -> bool:
    return Delivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        ordering_key=delivery.ordering_key,
        status=Delivery.Status.PENDING,
        id__lt=delivery.pk,
    ).exists()


def audience(endpoint: Endpoint) -> str:
    return registry.PARTNER if endpoint.partner_id is not None else registry.VENDOR


def build_payload(event: Event, endpoint: Endpoint) -> dict:
    """The Standard Webhooks body: type, timestamp, and the object as the endpoint's owner
    would read it through the API now (None when it no longer exists or is out of sight)."""
    event_type = registry.get(event.type)
    represented = None
    if event_type is not None:
        rep = registry.representation(event_type.model)
        render = rep.partner if audience(endpoint) == registry.PARTNER else rep.vendor
        obj = rep.queryset().filter(pk=event.object_id).first()
        if obj is not None and render is not None:
            represented = render(obj, endpoint.owner)
    body = {
        "type": event.type,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "object_type": event.object_type,
            "id": _id(event.object_id),
            "partner_id": event.partner_id,
            "object": represented,
        },
    }
    return json.loads(json.dumps(body, default=str))  # exactly what the receiver will parse


def _id(value: str):
    return int(value) if value.isdigit() else value


def _secrets(endpoint: Endpoint, now) -> list[str]:
    secrets = [signing.decrypt(endpoint.secret_encrypted)]
    if (
        endpoint.previous_secret_encrypted
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > now
    ):
        secrets.append(signing.decrypt(endpoint.previous_secret_encrypted))
    return secrets


def attempt(delivery_id: int, *, manual: bool = False) -> str:
    """Try to send one delivery now. Returns what happened (for logs and tests)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint__owner", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy"
        if delivery.status != Delivery.Status.PENDING:
            return "done"
        if delivery.sending_until is not None and delivery.sending_until > now:
            return "in flight"
        if delivery.next_attempt_at > now + timedelta(milliseconds=200):  # a countdown may fire early
            return "not due"
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return "paused"
        if _blocked(delivery):
            return "waiting"
        if delivery.payload is None:
            delivery.payload = build_payload(delivery.event, endpoint)
        delivery.attempts += 1
        delivery.sending_until = now + lease()
        delivery.save(update_fields=["attempts", "sending_until", "payload"])
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
        url, secrets, msg_id = endpoint.url, _secrets(endpoint, now), delivery.event.public_id
    sent_at = timezone.now()
    headers = signing.headers(secrets, msg_id, int(sent_at.timestamp()), body)
    result = http.post(url, body, headers, timeout=timeout())
    return _record(delivery_id, result, sent_at=sent_at, manual=manual)


def _record(delivery_id: int, result: http.Result, *, sent_at, manual: bool) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        Attempt.objects.create(
            delivery=delivery,
            attempted_at=sent_at,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=result.error[:300],
            manual=manual,
        )
        delivery.sending_until = None
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:300]
        endpoint = delivery.endpoint
        if result.ok:
            delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
            Endpoint.objects.filter(pk=endpoint.pk).exclude(failing_since=None).update(failing_since=None)
            outcome = "delivered"
        else:
            Endpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=sent_at)
            outcome = _failed(delivery, endpoint, now)
        delivery.save()
        if delivery.status != Delivery.Status.PENDING:
            _queue_next(delivery)
    return outcome


def _failed(delivery: Delivery, endpoint: Endpoint, now) -> str:
    plan = schedule()
    if delivery.attempts <= len(plan):
        wait = plan[delivery.attempts - 1]
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        if wait <= QUEUE_NOW_IF_WITHIN:
            delivery.enqueued_at = delivery.next_attempt_at
            transaction.on_commit(lambda: outbox.enqueue([delivery.pk], countdown=wait))
        else:
            delivery.enqueued_at = None  # the sweep queues it when it is due
        return "retrying"
    delivery.status = Delivery.Status.FAILED
    first_attempt = (
        delivery.attempt_log.order_by("attempted_at").values_list("attempted_at", flat=True).first()
    )
    endpoint.refresh_from_db(fields=["failing_since", "is_active"])
    never_succeeded_since = (
        endpoint.failing_since is not None
        and first_attempt is not None
        and endpoint.failing_since <= first_attempt
    )
    if endpoint.is_active and never_succeeded_since:
        endpoint_disable_failing(endpoint=endpoint)
        return "failed; endpoint disabled"
    return "failed"


def _queue_next(delivery: Delivery) -> None:
    """The next pending event of the same object for the same endpoint, now that this one is
    out of the way."""
    following = (
        Delivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            ordering_key=delivery.ordering_key,
            status=Delivery.Status.PENDING,
            id__gt=delivery.pk,
        )
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        Delivery.objects.filter(pk=following).update(enqueued_at=timezone.now())
        transaction.on_commit(lambda: outbox.enqueue([following]))


def purge(now=None) -> int:
    """Events (with their deliveries and attempts) older than the retention period."""
    now = now or timezone.now()
    days = settings.PRM_WEBHOOK_RETENTION_DAYS
    deleted, _ = Event.objects.filter(occurred_at__lt=now - timedelta(days=days)).delete()
    return deleted
