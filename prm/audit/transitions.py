"""The one shape of a state transition: lock the row, guard, set, save, audit.

    statement = transition(
        statement,
        allowed=lambda s: s.status == Statement.Status.DRAFT,
        error=IncentivesError(_("Only draft statements can be approved.")),
        values=lambda s: {"status": Statement.Status.APPROVED, "approved_at": timezone.now()},
        action="statement.approved",
        actor=actor,
        audit_data=lambda s: {"total": str(s.total)},
    )

`values` and `audit_data` are dicts or functions of the locked row (the audit one is called
after the change). Only the fields in `values` are saved, plus `updated_at` if the model has
one. Runs in (or opens) a transaction; returns the locked, changed row.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from prm.audit.log import audit


def transition(
    instance,
    *,
    allowed: Callable[[Any], bool],
    error: Exception,
    values: dict | Callable[[Any], dict],
    action: str,
    actor,
    audit_data: dict | Callable[[Any], dict] | None = None,
):
    model = type(instance)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=instance.pk)
        if not allowed(locked):
            raise error
        changes = values(locked) if callable(values) else values
        for field, value in changes.items():
            setattr(locked, field, value)
        fields = list(changes)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        data = audit_data(locked) if callable(audit_data) else (audit_data or {})
        audit(actor=actor, action=action, target=locked, **data)
    return locked
