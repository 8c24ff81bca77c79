"""Writing events in the transaction of the change, and queueing their deliveries.

`record_audit` is called by `prm.audit.log.audit()` (one row per audited change) and
`publish_many` by set-based jobs. When no endpoint subscribes, a change costs one dictionary
look-up (most audit actions raise no event) or one indexed query on the endpoint table (those
that do), and writes nothing. `enqueue` queues a delivery task per delivery once the change
commits; `sweep` (beat, every minute, and an endpoint turned on again) queues whatever no task
carries: lost with Redis, a worker killed mid-send, a back-off longer than a countdown."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from prm.tenancy import membership_model, partners_for_staff
from prm.webhooks import registry
from prm.webhooks.models import Delivery, Endpoint, Event, new_message_id

logger = logging.getLogger(__name__)


def record_audit(audit_event, target) -> None:
    """The event types an audit row raises, published for its target."""
    if target is None:
        return
    for event_type in registry.for_action(audit_event.action, audit_event.data):
        if isinstance(target, event_type.model):
            publish(event_type, object_id=target.pk, partner_id=audit_event.partner_id)


def _receiving(endpoints, event_type, partner_ids: set) -> dict[int, set]:
    """{endpoint id: the partner ids (None for none) of these events it may receive}."""
    Membership = membership_model()
    allowed = {}
    for endpoint in endpoints:
        if endpoint.partner_id is not None:
            # A partner admin's endpoint: that partner's events, while the owner is its admin.
            if registry.PARTNER not in event_type.audiences or endpoint.partner_id not in partner_ids:
                continue
            is_admin = Membership.objects.filter(
                user_id=endpoint.owner_id, partner_id=endpoint.partner_id, is_active=True, role="admin"
            ).exists()
            if is_admin and endpoint.owner.is_active:
                allowed[endpoint.pk] = {endpoint.partner_id}
        else:
            owner = endpoint.owner
            if registry.VENDOR not in event_type.audiences or not owner.is_channel_manager:
                continue
            real = {pid for pid in partner_ids if pid is not None}
            visible = (
                set(partners_for_staff(owner).filter(pk__in=real).values_list("pk", flat=True))
                if real
                else set()
            )
            if None in partner_ids:
                visible.add(None)
            if visible:
                allowed[endpoint.pk] = visible
    return allowed


def _subscribers(event_type):
    # Endpoints paused by their owner get nothing; those disabled after failures keep
    # queueing, so that nothing is lost once the owner has fixed the receiver.
    return list(
        Endpoint.objects.filter(event_types__contains=[event_type.code])
        .exclude(disabled_reason=Endpoint.Disabled.OWNER)
        .select_related("owner")
    )


def publish(event_type, *, object_id, partner_id) -> Event | None:
    """One event of `event_type` about object `object_id` (of `event_type.model`)."""
    events = publish_many(event_type, [(object_id, partner_id)])
    return events[0] if events else None


def publish_many(event_type, rows) -> list[Event]:
    """Events for (object id, partner id) rows, set-based: one query for the subscribers
    (`rows` is read only when there are some), a visibility check per subscribed endpoint,
    then one insert of the events and one of their deliveries. Runs inside the caller's
    transaction; tasks are queued once it commits."""
    if isinstance(event_type, str):
        event_type = registry.get(event_type)
    endpoints = _subscribers(event_type)
    if not endpoints:
        return []  # `rows` (a queryset, say) is not even read
    rows = list(rows)
    if not rows:
        return []
    allowed = _receiving(endpoints, event_type, {partner_id for _o, partner_id in rows})
    if not allowed:
        return []
    now = timezone.now()
    wanted = [(o, p) for o, p in rows if any(p in partners for partners in allowed.values())]
    events = Event.objects.bulk_create(
        [
            Event(
                public_id=new_message_id(),
                type=event_type.code,
                object_type=event_type.object_type,
                object_id=str(object_id),
                partner_id=partner_id,
                occurred_at=now,
            )
            for object_id, partner_id in wanted
        ]
    )
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                event=event,
                endpoint_id=endpoint_id,
                ordering_key=ordering_key(event_type, event),
                next_attempt_at=now,
                enqueued_at=now,
            )
            for event in events
            for endpoint_id, partners in allowed.items()
            if event.partner_id in partners
        ]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(partial(enqueue, ids))
    return events


def ordering_key(event_type, event) -> str:
    if event_type.order_per == "partner":
        return f"{event_type.object_type}:partner:{event.partner_id}"
    return f"{event_type.object_type}:{event.object_id}"


def enqueue(delivery_ids, countdown: int | None = None) -> None:
    """Queue a delivery task for each id. With the broker down this logs and returns: the
    rows are in the database, and the beat sweep queues them again (`sweep`)."""
    from prm.webhooks import tasks  # noqa: PLC0415 - enqueues the tasks that run this module

    for pk in delivery_ids:
        try:
            tasks.deliver.apply_async(args=[pk], countdown=countdown)
        except (OperationalError, OSError):  # the broker is unreachable: the sweep sends it later
            logger.warning(
                "webhook delivery %s not queued (broker down?); the sweep will send it", pk, exc_info=True
            )
            return


def requeue_after() -> timedelta:
    return timedelta(seconds=settings.PRM_WEBHOOK_REQUEUE_AFTER)


def _earlier_pending():
    return Delivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"),
        ordering_key=OuterRef("ordering_key"),
        status=Delivery.Status.PENDING,
        id__lt=OuterRef("id"),
    )


def due_heads(now=None, *, endpoint=None, limit: int = 1000) -> list[int]:
    """Pending deliveries that are due, not being sent, not queued recently, of an active
    endpoint, and first in line for their object."""
    now = now or timezone.now()
    qs = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
    )
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    qs = (
        qs.filter(Q(sending_until=None) | Q(sending_until__lt=now))
        .filter(Q(enqueued_at=None) | Q(enqueued_at__lt=now - requeue_after()))
        .exclude(Exists(_earlier_pending()))
        .order_by("next_attempt_at", "id")
    )
    return list(qs.values_list("pk", flat=True)[:limit])


def sweep(now=None, *, endpoint=None) -> int:
    """Queue every due delivery that no task is carrying (run by beat every minute)."""
    now = now or timezone.now()
    ids = due_heads(now, endpoint=endpoint)
    if ids:
        Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
        enqueue(ids)
    return len(ids)
