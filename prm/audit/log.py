"""The one audit log: services call `audit()` inside their transaction."""

import contextvars
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from prm.cache import pagecache
from prm.models import AuditEvent
from prm.tenancy import partner_model
from prm.webhooks import outbox

# The staff user acting in the current admin request, for what audits a write that carries no
# request (guardian's permission rows, MFA changes): set by the admin mixins around their
# views (prm.access.admin_mixins), read by prm.audit.receivers.
current_actor: contextvars.ContextVar = contextvars.ContextVar("prm_current_actor", default=None)

# How the current request reaches the services (the API sets {"api_token": "prm_abc…"}),
# recorded in every audit row it causes; empty for the portal.
_via: contextvars.ContextVar[dict | None] = contextvars.ContextVar("prm_audit_via", default=None)


@contextmanager
def acting_via():
    """A fresh `via` record for one request; `note_via(...)` fills it once the caller is known."""
    reset = _via.set({})
    try:
        yield
    finally:
        _via.reset(reset)


def note_via(**info) -> None:
    via = _via.get()
    if via is not None:
        via.update(info)


def audit(
    *, actor, action: str, target: models.Model | None = None, partner=None, partners=(), **data
) -> AuditEvent:
    """Record `action` (and invalidate the cached pages it changes: prm.cache.pagecache.audited).
    `partners`: the ids of every partner a set-based write touched (an anonymisation over
    many partners' deals), whose cached pages read again; the event itself names `partner`."""
    partner_id = getattr(partner, "pk", partner)
    if partner_id is None and target is not None:
        Partner = partner_model()

        partner_id = target.pk if isinstance(target, Partner) else getattr(target, "partner_id", None)
    if _via.get():
        data["via"] = dict(_via.get())
    _invalidate(action=action, target=target, partner_id=partner_id, partner_ids=partners)
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        partner_id=partner_id,
        data=data,
    )
    outbox.record_audit(event, target)  # webhooks: an event row in this same transaction
    return event


def audit_many(*, actor, action: str, model: type[models.Model], rows) -> int:
    """One event per row in one INSERT, for set-based jobs (the protection sweep): `rows` are
    (target id, target repr, partner id, data). Every partner named reads its cached pages
    again, as with `audit()`."""
    rows = list(rows)
    if not rows:
        return 0
    _invalidate(action=action, target=None, partner_id=None, partner_ids={row[2] for row in rows if row[2]})
    target_type = ContentType.objects.get_for_model(model)
    actor = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=str(pk),
            target_repr=str(name)[:200],
            partner_id=partner_id,
            data=data,
        )
        for pk, name, partner_id, data in rows
    )
    return len(rows)


def _invalidate(**change) -> None:
    # The one place services, set-based jobs that audit and the admin's change log
    # invalidate cached pages (prm.cache.pagecache).
    pagecache.audited(**change)


def events_for(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def audit_scrub(*, model, target_ids, keys: list[str], under: str = "changes") -> int:
    """Erase personal data from audit rows of `target_ids` (rows of `model`): the values at
    data[under][key] become "(erased)" (who did what, and when, stays). One UPDATE; used
    when a person's data is anonymised (APPI: deletion on request, retention periods)."""
    if not target_ids:
        return 0
    ct = ContentType.objects.get_for_model(model)
    expression = "data"
    for _key in keys:
        expression = f"jsonb_set({expression}, ARRAY[%s, %s], '\"(erased)\"'::jsonb, false)"
    params = [value for key in keys for value in (under, key)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET data = {expression}"  # noqa: S608 (fixed text)
            " WHERE target_type_id = %s AND target_id = ANY(%s) AND data ? %s",
            [*params, ct.pk, [str(pk) for pk in target_ids], under],
        )
        return cursor.rowcount
