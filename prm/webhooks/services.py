"""Endpoint management and redelivery: keyword-only, transactional, audited."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.log import audit
from prm.webhooks import outbox, registry, signing
from prm.webhooks.models import Delivery, Endpoint
from prm.webhooks.urls import validate_endpoint_url

ROTATION_OVERLAP = timedelta(hours=24)


class WebhookError(Exception):
    """A change the rules do not allow (message is translated)."""


def _check(*, url: str, event_types: list[str], audience: str) -> None:
    try:
        validate_endpoint_url(url)
    except ValidationError as exc:
        raise WebhookError(exc.messages[0]) from exc
    offered = {t.code for t in registry.types_for(audience)}
    if not event_types or not set(event_types) <= offered:
        raise WebhookError(_("Choose at least one of the events offered."))


@transaction.atomic
def endpoint_create(
    *, owner, partner, url: str, description: str, event_types: list[str]
) -> tuple[Endpoint, str]:
    """A new endpoint and its signing secret (returned once, stored encrypted)."""
    _check(url=url, event_types=event_types, audience=registry.PARTNER if partner else registry.VENDOR)
    secret = signing.new_secret()
    endpoint = Endpoint.objects.create(
        owner=owner,
        partner=partner,
        url=url.strip(),
        description=description.strip(),
        event_types=sorted(set(event_types)),
        secret_encrypted=signing.encrypt(secret),
    )
    audit(
        actor=owner,
        action="webhook.endpoint_created",
        target=endpoint,
        url=endpoint.url,
        events=endpoint.event_types,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: Endpoint, actor, url: str, description: str, event_types: list[str]
) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    _check(
        url=url,
        event_types=event_types,
        audience=registry.PARTNER if endpoint.partner_id else registry.VENDOR,
    )
    changes = {}
    for field, value in (
        ("url", url.strip()),
        ("description", description.strip()),
        ("event_types", sorted(set(event_types))),
    ):
        if getattr(endpoint, field) != value:
            changes[field] = [getattr(endpoint, field), value]
            setattr(endpoint, field, value)
    if changes:
        endpoint.save()
        audit(actor=actor, action="webhook.endpoint_updated", target=endpoint, changes=changes)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, actor) -> str:
    """A new secret; the previous one keeps signing (beside it) for a day."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_encrypted = signing.encrypt(secret)
    endpoint.save(
        update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_until", "updated_at"]
    )
    audit(actor=actor, action="webhook.secret_rotated", target=endpoint)
    return secret


@transaction.atomic
def endpoint_pause(*, endpoint: Endpoint, actor) -> Endpoint:
    """Stop sending; events that happen while paused are not kept for this endpoint."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not endpoint.is_active and endpoint.disabled_reason == Endpoint.Disabled.OWNER:
        raise WebhookError(_("This endpoint is already paused."))
    endpoint.is_active, endpoint.disabled_reason, endpoint.disabled_at = (
        False,
        Endpoint.Disabled.OWNER,
        timezone.now(),
    )
    endpoint.save(update_fields=["is_active", "disabled_reason", "disabled_at", "updated_at"])
    audit(actor=actor, action="webhook.endpoint_paused", target=endpoint)
    return endpoint


@transaction.atomic
def endpoint_resume(*, endpoint: Endpoint, actor) -> Endpoint:
    """Turn it on again: what queued up meanwhile is sent, in order, from now."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        raise WebhookError(_("This endpoint is already active."))
    endpoint.is_active, endpoint.disabled_reason, endpoint.disabled_at = True, "", None
    endpoint.failing_since = None
    endpoint.save(
        update_fields=["is_active", "disabled_reason", "disabled_at", "failing_since", "updated_at"]
    )
    Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now(), enqueued_at=None, attempts=0
    )
    audit(actor=actor, action="webhook.endpoint_resumed", target=endpoint)
    transaction.on_commit(lambda: outbox.sweep(endpoint=endpoint))
    return endpoint


@transaction.atomic
def endpoint_disable_failing(*, endpoint: Endpoint) -> bool:
    """Every attempt of a delivery failed and the endpoint has not succeeded since: stop
    sending (events keep queueing) and tell the owner by e-mail. Once per disabling."""
    claimed = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=Endpoint.Disabled.FAILING, disabled_at=timezone.now()
    )
    if not claimed:
        return False
    audit(
        actor=None,
        action="webhook.endpoint_disabled",
        target=endpoint,
        failing_since=str(endpoint.failing_since),
    )
    from prm.webhooks import tasks

    tasks.send_endpoint_disabled.delay_on_commit(endpoint_id=endpoint.pk)
    return True


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor) -> None:
    audit(actor=actor, action="webhook.endpoint_deleted", target=endpoint, url=endpoint.url)
    endpoint.delete()


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor) -> Delivery:
    """Send this event to its endpoint again, now (same webhook-id, same body)."""
    delivery = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if delivery.status == Delivery.Status.PENDING and delivery.attempts == 0:
        raise WebhookError(_("This event has not been sent yet; it goes out by itself."))
    delivery.status, delivery.attempts = Delivery.Status.PENDING, 0
    delivery.next_attempt_at, delivery.enqueued_at, delivery.sending_until = (
        timezone.now(),
        timezone.now(),
        None,
    )
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "enqueued_at", "sending_until"])
    audit(actor=actor, action="webhook.redelivered", target=delivery.endpoint, delivery=delivery.pk)
    transaction.on_commit(lambda: outbox.enqueue([delivery.pk]))
    return delivery


@transaction.atomic
def endpoint_redeliver_failed(*, endpoint: Endpoint, actor) -> int:
    """Every failed delivery of the endpoint, again (oldest first, in order per object)."""
    now = timezone.now()
    count = Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, enqueued_at=None, sending_until=None
    )
    if count:
        audit(actor=actor, action="webhook.redelivered", target=endpoint, failed=count)
        transaction.on_commit(lambda: outbox.sweep(endpoint=endpoint))
    return count
