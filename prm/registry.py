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
"description"}]`. A navigation badge is `h(request) -> int` for a key of
`prm.navigation.PARTNER_NAV`. Registering the same function twice is a no-op, so a
`ready()` that runs again changes nothing; a broken import fails at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass


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
    func = _nav_badges.get(key)
    return func(request) if func is not None else 0
