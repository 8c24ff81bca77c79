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
`prm.ui.navigation.PARTNER_NAV`: the rows to count (all badges and the notification bell are
counted in one query, `nav_counts`), or a number already known. The counts are cached per
person (`cached_nav_counts`), exact under the partner's and the person's cache scopes
(prm.cache.pagecache): the rows a badge counts must be partner or person rows whose writes bump
them. Registering the same function twice is a no-op, so a
`ready()` that runs again changes nothing; a broken import fails at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from prm.cache import pagecache


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
    """A home panel is rendered into the person's cached home: exact under the catalogue, the
    partner and the person, per language and day, at most HOME_PANELS_SECONDS old for what
    lags (recommendations). It runs only when that is computed, so a side effect there (a
    weekly visit, a receipt) happens at least once a day per person, not on every view."""
    _add(_home_panels, func, order)


def register_staff_links(func: Callable, *, order: int = 100) -> None:
    _add(_staff_links, func, order)


def register_nav_badge(key: str, func: Callable) -> None:
    _nav_badges[key] = func


HOME_PANELS_SECONDS = 300


def home_panels_key() -> str:
    return f"home:panels:{timezone.localdate().isoformat()}:{translation.get_language()}"


def home_panels_scopes(partner_id: int, user_id: int) -> tuple[str, ...]:
    return (pagecache.catalogue(), pagecache.partner(partner_id), pagecache.person(user_id))


def home_panels(request, partner) -> list[str]:
    """The HTML of every panel that has something to show, in order: one exact value per
    person, language and day (the CSRF token filled in per request)."""

    def compute():
        rendered = []
        for entry in _home_panels:
            panel = entry.func(request, partner)
            if panel:
                template_name, context = panel
                rendered.append(
                    render_to_string(template_name, {**context, "csrf_token": pagecache.CSRF_PLACEHOLDER})
                )
        return rendered

    scopes = home_panels_scopes(partner.pk, request.user.pk)
    panels = pagecache.cached(home_panels_key(), scopes, compute, timeout=HOME_PANELS_SECONDS)
    return [pagecache.fill(html, request) for html in panels]


def staff_links(request) -> list[dict]:
    links = []
    for entry in _staff_links:
        links.extend(entry.func(request))
    return links


def nav_badge(key: str, request) -> int:
    return nav_counts(request).get(key, 0)


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
        # One query: a SELECT of scalar sub-queries, one per badge (no table of its own).
        parts, params = [], []
        for qs in subqueries.values():
            sql, sub_params = qs.order_by().values("pk").query.sql_with_params()
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) _rows)")  # noqa: S608 - our own querysets' SQL
            params.extend(sub_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        counts.update(dict(zip(subqueries, row, strict=True)))
    return counts


NAV_CACHE_SECONDS = 3600


def nav_counts_key() -> str:
    return "nav:counts"


def nav_counts_scopes(partner_id: int, user_id: int) -> tuple[str, str]:
    """The badges count the partner's rows (threads) and the person's (read markers, the bell)."""
    return (pagecache.partner(partner_id), pagecache.person(user_id))


def cached_nav_counts(request, partner_id: int, extra: Callable[[], dict] | None = None) -> dict[str, int]:
    """`nav_counts`, exact per person and partner (`extra` is called only when counting)."""
    return pagecache.cached(
        nav_counts_key(),
        nav_counts_scopes(partner_id, request.user.pk),
        lambda: nav_counts(request, extra() if extra else None),
        timeout=NAV_CACHE_SECONDS,
    )


def prefetch_partner_page(partner_id: int, user_id: int) -> None:
    """A partner page reads the versions of its three scopes and the layout's badges in the
    request's first batched cache read (prm.cache.pagecache.Batch)."""
    pagecache.want_scopes(pagecache.catalogue(), pagecache.partner(partner_id), pagecache.person(user_id))
    pagecache.want(nav_counts_key(), nav_counts_scopes(partner_id, user_id))
