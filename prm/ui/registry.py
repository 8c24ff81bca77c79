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

Two more lists are kept here for the same reason: the channel dashboard's blocks
(`register_dashboard_block`: each app's block query, composed by `dashboard`) and the
roll-ups (`register_rollup`: the one list that beat, `manage.py refresh_rollups` and the
scale seed read).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.db.models import IntegerField, QuerySet, Subquery
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
        # One query: a scalar sub-query counting each badge's rows, read beside the person's
        # membership (one row, of a table the counts' partner scope covers).
        memberships = apps.get_model(settings.PRM_MEMBERSHIP_MODEL).objects.filter(user_id=request.user.pk)
        row = memberships.order_by().values_list(*(RowCount(qs) for qs in subqueries.values())).first()
        if row is None:  # no membership: no partner navigation either, but count what was asked
            row = tuple(qs.count() for qs in subqueries.values())
        counts.update(dict(zip(subqueries, row, strict=True)))
    return counts


class RowCount(Subquery):
    """The number of rows of a queryset, as a scalar sub-query of another query: counted over
    the queryset as it is (its filters, joins and DISTINCT), like `qs.count()`."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()
    empty_result_set_value = 0  # `qs.none()`, `pk__in=[]`: no rows, without asking the database

    def __init__(self, queryset: QuerySet):
        super().__init__(queryset.order_by().values("pk"))


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


# --- Roll-ups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """A table rebuilt set-based from the rows it sums (docs/patterns.md, "Portal registries").

    `refresh()` is the app's function in `<app>/rollups.py`; `task` its thin Celery task in
    `<app>/tasks.py`, which beat sends on `schedule` (a crontab; None for a roll-up that the
    services writing its rows keep current). `registry.rollups()` is the one list that beat
    (`prm.celery`), `manage.py refresh_rollups` and the scale seed read, in `order`."""

    name: str  # the beat entry's name
    label: str  # what `refresh_rollups` prints
    refresh: Callable[[], object]
    task: Callable | None
    schedule: object | None
    order: int


_rollups: dict[str, Rollup] = {}


def register_rollup(
    name: str,
    *,
    label: str,
    refresh: Callable[[], object],
    order: int,
    task: Callable | None = None,
    schedule: object | None = None,
) -> None:
    if (task is None) != (schedule is None):
        raise ValueError(f"roll-up {name}: a schedule needs its task and a task its schedule")
    _rollups[name] = Rollup(name, label, refresh, task, schedule, order)


def rollups() -> list[Rollup]:
    """Every roll-up, in dependency order (a restore or the scale seed rebuilds them in it)."""
    return sorted(_rollups.values(), key=lambda r: r.order)


def rollups_refresh(*, stdout=None) -> list[tuple[str, float]]:
    """Every roll-up rebuilt now, in order: (label, seconds) pairs. Each rebuild is set-based
    and takes its own lock or transaction."""
    done = []
    for rollup in rollups():
        started = time.monotonic()
        rollup.refresh()
        done.append((rollup.label, time.monotonic() - started))
        if stdout is not None:
            stdout.write(f"{rollup.label}: {done[-1][1]:.1f}s")
    return done


# --- Channel dashboard blocks ------------------------------------------------------------


@dataclass(frozen=True)
class BlockQuery:
    """What a dashboard block is asked for: the viewer's partners narrowed by the dashboard's
    filters (dashboard.queries.Filters), resolved once per page.

    `partners` narrows ORM querysets (`partner_id__in=`: a list, or a subquery when the scope
    is large) and `partner_ids` raw SQL (`= ANY(%s)`); both are None when the viewer sees
    every partner and no filter narrows them (no semi-join over all partners then)."""

    partners: object | None  # list[int] | QuerySet of partner ids | None
    partner_ids: list[int] | None
    start: date  # the period's first day
    today: date  # its last
    start_at: datetime  # [start_at, end_at): the same days as times in the portal's time zone
    end_at: datetime
    partner_type: str = ""  # the filters, for rows not yet tied to a partner (applications)
    country: str = ""
    narrowed: bool = False  # a scope or filter that applications cannot be narrowed by directly

    @property
    def everyone(self) -> bool:
        return self.partner_ids is None

    def scoped(self, queryset, field: str = "partner_id"):
        """`queryset` narrowed to the partners asked for (as is for every partner)."""
        return queryset if self.partners is None else queryset.filter(**{f"{field}__in": self.partners})

    def partner_sql(self, column: str = "partner_id") -> tuple[str, list]:
        """`AND column = ANY(%s)` and its parameter, to narrow raw SQL to the partners asked
        for (nothing for every partner: a semi-join over all partners is pure cost)."""
        if self.partner_ids is None:
            return "", []
        return f" AND {column} = ANY(%s)", [self.partner_ids]


@dataclass(frozen=True)
class DashboardBlock:
    key: str
    func: Callable  # f(query: BlockQuery) -> dict of dashboard.queries.Block's fields
    order: int


_dashboard_blocks: dict[str, DashboardBlock] = {}


def register_dashboard_block(key: str, func: Callable, *, order: int) -> None:
    """A block of the channel dashboard (the staff home): `func(query)` returns the fields of
    `dashboard.queries.Block` but its key (title, header, rows, labels, series, detail_url,
    note, managers_only) from the app's own queries. The dashboard caches, charts and exports it."""
    _dashboard_blocks[key] = DashboardBlock(key, func, order)


def dashboard_blocks() -> list[DashboardBlock]:
    return sorted(_dashboard_blocks.values(), key=lambda b: b.order)
