"""What the feature apps add to the portal shell, registered with real imports.

`prm` sits below every feature app, so it cannot import them. Instead each app registers
its contributions in its `AppConfig.ready()`:

    from prm import registry
    from content import views

    registry.register_home_panel(views.home_panel, order=30)
    registry.register_staff_links(views.staff_links, order=30)

A home panel is `f(request, partner) -> (template_name, context) | None`; the partner home
renders every panel in its own template pass (`{% render_panel %}`), so the context
processors run once per page. Staff links are `g(request) -> [{"label", "url",
"description"}]`. A navigation badge is `h(request) -> QuerySet | int` for a key of
`prm.navigation.PARTNER_NAV`: the rows to count (all badges and the notification bell are
counted in one query, `nav_counts`), or a number already known. The counts are cached per
person (`cached_nav_counts`): an app whose badge counts rows must call `nav_changed` when
they change (threads does on every thread, message and read marker; prm.notifications for
the bell). Registering the same function twice is a no-op, so a
`ready()` that runs again changes nothing; a broken import fails at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import IntegerField, QuerySet, Subquery

from prm import pagecache


@dataclass(frozen=True)
class Entry:
    func: Callable
    order: int


_home_panels: list[Entry] = []
_staff_links: list[Entry] = []
_nav_badges: dict[str, Callable] = {}


def _add(entries: list[Entry], func: Callable, order: int) -> None:
    if any(e.func is func for e in entries):
        return
    entries.append(Entry(func, order))
    entries.sort(key=lambda e: e.order)


def register_home_panel(func: Callable, *, order: int = 100) -> None:
    _add(_home_panels, func, order)


def register_staff_links(func: Callable, *, order: int = 100) -> None:
    _add(_staff_links, func, order)


def register_nav_badge(key: str, func: Callable) -> None:
    _nav_badges[key] = func


def home_panels(request, partner) -> list[tuple[str, dict]]:
    """(template_name, context) of every panel that has something to show."""
    panels = []
    for entry in _home_panels:
        panel = entry.func(request, partner)
        if panel:
            panels.append(panel)
    return panels


def staff_links(request) -> list[dict]:
    links = []
    for entry in _staff_links:
        links.extend(entry.func(request))
    return links


def nav_badge(key: str, request) -> int:
    return nav_counts(request).get(key, 0)


class _RowCount(Subquery):
    """COUNT(*) of a queryset's rows, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def nav_counts(request, extra: dict[str, QuerySet] | None = None) -> dict[str, int]:
    """Every navigation badge (plus `extra` querysets, such as the bell) counted in one
    query; a badge function that returns a number is taken as it is."""
    counts: dict[str, int] = {}
    subqueries: dict[str, QuerySet] = {}
    for key, func in list(_nav_badges.items()) + [
        (k, lambda _r, qs=qs: qs) for k, qs in (extra or {}).items()
    ]:
        value = func(request)
        if isinstance(value, QuerySet):
            subqueries[key] = value
        else:
            counts[key] = value or 0
    if subqueries:
        # One row of a table prm owns carries the scalar subqueries (any table would do).
        rows = (
            get_user_model()
            .objects.filter(pk=request.user.pk)
            .order_by()
            .values(**{f"n_{key}": _RowCount(qs.order_by().values("pk")) for key, qs in subqueries.items()})
        )
        row = next(iter(rows), {})
        counts.update({key: row.get(f"n_{key}", 0) for key in subqueries})
    return counts


NAV_CACHE_SECONDS = 3600


def cached_nav_counts(request, partner_id: int, extra: Callable[[], dict] | None = None) -> dict[str, int]:
    """`nav_counts` kept per person and partner until `nav_changed` says a count moved
    (`extra` is called only when counting)."""
    user_id = request.user.pk
    return pagecache.cached(
        (f"nav:partner:{partner_id}", f"nav:user:{user_id}"),
        f"nav:{user_id}:{partner_id}",
        lambda: nav_counts(request, extra() if extra else None),
        timeout=NAV_CACHE_SECONDS,
    )


def nav_changed(*, partner_id: int | None = None, user_ids=()) -> None:
    """The badges of a partner's members (or of some people) may have changed: they are
    counted again on the next page (after the transaction commits)."""
    scopes = [f"nav:partner:{partner_id}"] if partner_id else []
    scopes += [f"nav:user:{pk}" for pk in user_ids]
    if scopes:
        pagecache.bump(*scopes)
