"""The event types webhooks can carry, declared by the apps that own them.

    # incentives/webhooks.py
    from prm.webhooks.registry import EventType
    DEAL_APPROVED = EventType("deal.approved", _("Deal registration approved"), Deal,
                              audit_actions=("deal.approved",))
    EVENTS = [DEAL_APPROVED, ...]

    # incentives/apps.py, ready()
    from incentives import webhooks
    from prm.webhooks import registry
    registry.register(*webhooks.EVENTS)

An event is raised by the audit rows named in `audit_actions` (optionally only when
`when(audit_data)` is true), or by the app calling `prm.webhooks.outbox.publish(...)` for a
change that is not audited one row at a time (set-based jobs). The object's representation
in the payload comes from the api app: `register_representation(Model, partner=..., vendor=...)`.
A registered event type whose model has no representation fails the system checks.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PARTNER, VENDOR = "partner", "vendor"


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    model: type
    audit_actions: tuple[str, ...] = ()
    when: Callable[[dict], bool] | None = None
    # Who may subscribe: a partner admin's endpoint (their partner's events) and/or a channel
    # manager's (the partners they may see). Events without a partner are vendor-only.
    audiences: frozenset = field(default=frozenset({PARTNER, VENDOR}))
    # Events reach an endpoint in order per object; "partner" orders them per partner instead
    # (tier changes are rows of their own, but a receiver needs them in order per partner).
    order_per: str = "object"

    @property
    def object_type(self) -> str:
        return self.model._meta.model_name


@dataclass(frozen=True)
class Representation:
    """How the API represents one model to a viewer: `partner(obj, user)` for a partner
    admin's endpoint (None when partners never see it), `vendor(obj, user)` for a channel
    manager's; `queryset()` loads the object with what they read."""

    queryset: Callable
    vendor: Callable
    partner: Callable | None = None


_types: dict[str, EventType] = {}
_by_action: dict[str, list[EventType]] = {}
_representations: dict[type, Representation] = {}


def register(*event_types: EventType) -> None:
    for event_type in event_types:
        if _types.get(event_type.code) == event_type:
            continue
        if event_type.code in _types:
            raise ValueError(f"webhook event type {event_type.code} is registered twice")
        _types[event_type.code] = event_type
        for action in event_type.audit_actions:
            _by_action.setdefault(action, []).append(event_type)


def register_representation(model: type, *, queryset: Callable, vendor: Callable, partner=None) -> None:
    _representations[model] = Representation(queryset=queryset, vendor=vendor, partner=partner)


def get(code: str) -> EventType | None:
    return _types.get(code)


def all_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda t: t.code)


def types_for(audience: str) -> list[EventType]:
    return [t for t in all_types() if audience in t.audiences]


def for_action(action: str, data: dict) -> list[EventType]:
    """The event types an audit row raises (none for most rows: one dict look-up)."""
    return [t for t in _by_action.get(action, ()) if t.when is None or t.when(data)]


def representation(model: type) -> Representation | None:
    return _representations.get(model)
