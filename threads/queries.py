"""Reads shared by views, tasks, metrics and the navigation badge."""

import itertools
import math

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.cache import pagecache
from prm.models import CHANNEL_MANAGERS, SUPPORT, User
from prm.tenancy import active_membership, managers_assigned_to, partners_for_staff
from prm.ui.registry import BlockQuery
from threads.models import Message, ReadMarker, Thread

# --- Unread counts ------------------------------------------------------------------------


def unread_filter(user):
    """Threads with public activity by someone else since `user` last read them."""
    read_since = ReadMarker.objects.filter(
        user=user, thread=OuterRef("pk"), read_at__gte=OuterRef("last_public_at")
    )
    return ~Q(last_public_by=user) & ~Exists(read_since)


def with_read_marker(qs, user):
    """Annotate `read_at` (the user's marker) so that `is_unread()` needs no query per row."""
    marker = ReadMarker.objects.filter(user=user, thread=OuterRef("pk")).values("read_at")[:1]
    return qs.annotate(read_at=Subquery(marker))


def is_unread(thread, user) -> bool:
    if thread.last_public_by_id == user.pk:
        return False
    read_at = getattr(thread, "read_at", None)
    return read_at is None or read_at < thread.last_public_at


def unread_threads(request):
    """The navigation badge: the partner's threads with unread activity (the rows to count,
    or 0; the navigation counts every badge in one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    membership = active_membership(user)  # cached on the user by the navigation
    if membership is None:
        return 0
    return Thread.objects.filter(partner_id=membership.partner_id).filter(unread_filter(user))


def unread_badge(request) -> int:
    """The number on the badge (one query)."""
    rows = unread_threads(request)
    return rows if isinstance(rows, int) else rows.count()


# --- Staff scope ----------------------------------------------------------------------------


def staff_can_see_partner(user, partner_id) -> bool:
    return partners_for_staff(user).filter(pk=partner_id).exists()


def staff_threads(user):
    return Thread.objects.for_staff(user)


def assignable_staff(partner=None):
    """Staff who may be assigned questions: support and channel managers (active)."""
    qs = User.objects.filter(is_active=True, is_staff=True).filter(
        Q(groups__name__in=[SUPPORT, CHANNEL_MANAGERS]) | Q(is_superuser=True)
    )
    return qs.distinct().order_by("display_name", "email")


def staff_for_partner(partner):
    """Assignable staff who may see `partner`: support, superusers, channel managers with the
    global permission or the object permission on it (the same rule as partners_for_staff)."""
    granted = managers_assigned_to(partner)
    global_perm = Q(user_permissions__codename="manage_partner") | Q(
        groups__permissions__codename="manage_partner"
    )
    return assignable_staff().filter(
        Q(is_superuser=True) | Q(groups__name=SUPPORT) | global_perm | Q(pk__in=granted.values("pk"))
    )


AGE_FILTERS = {"1": 1, "3": 3, "7": 7, "30": 30}


def inbox(user):
    """The staff inbox: threads of the partners `user` may see (filtered by
    threads.filters.InboxFilterSet); flat query count."""
    qs = staff_threads(user).select_related("partner", "assignee", "author", "last_public_by")
    # Counts as correlated sub-queries, not JOIN + GROUP BY: the page's 25 rows are found
    # through the (status, last activity) index and only they are counted (a GROUP BY
    # aggregated every thread before sorting: ~1 s at 50,000 threads).
    qs = qs.annotate(
        message_count=_message_count(Message.Kind.PUBLIC),
        note_count=_message_count(Message.Kind.INTERNAL),
    )
    return with_read_marker(qs, user).order_by("-last_public_at", "-id")


def _message_count(kind):
    counted = (
        Message.objects.filter(thread=OuterRef("pk"), kind=kind)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partner_threads(partner, user):
    """The partner's questions, with their read marker and public message count, latest first."""
    qs = Thread.objects.for_partner(partner).select_related("author", "last_public_by")
    return (
        with_read_marker(qs, user)
        .annotate(message_count=Count("messages", filter=Q(messages__kind=Message.Kind.PUBLIC)))
        .order_by("-last_public_at", "-id")
    )


# --- Notification recipients ----------------------------------------------------------------


def partner_participants(thread):
    """The thread's author and the partner's members who posted in it (active only); every
    active member when staff started the thread (it was written to the company)."""
    members = User.objects.filter(
        is_active=True,
        membership__partner_id=thread.partner_id,
        membership__is_active=True,
        membership__partner__status__in=Partner.PORTAL_STATUSES,
    )
    if thread.author is not None and thread.author.is_staff:
        return members.distinct()
    posted = Message.objects.filter(thread=thread, by_staff=False).values("author")
    return members.filter(Q(pk=thread.author_id) | Q(pk__in=posted)).distinct()


def partner_asked(threads):
    """Threads a partner started: those staff started owe no first response (response metrics)."""
    # NOT IN over the few staff accounts (a hashed subplan), not a join with every user.
    return threads.exclude(author_id__in=User.objects.filter(is_staff=True).values("pk"))


def staff_watchers(thread):
    """Who hears about a partner message: the assignee, or (unassigned) the Support group
    plus the channel managers assigned to that partner by object permission."""
    assignee = thread.assignee
    if (
        assignee
        and assignee.is_active
        and assignee.is_staff
        and staff_can_see_partner(assignee, thread.partner_id)
    ):
        return User.objects.filter(pk=thread.assignee_id)
    # Unassigned, or the assignee left / lost access to the partner: tell the team.
    managers = managers_assigned_to(thread.partner, with_group_users=False)
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=SUPPORT) | Q(pk__in=managers.values("pk")))
        .distinct()
    )


# --- Metrics -------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        fraction = float(fraction)  # a constant from code, never user input
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, output_field=FloatField(), fraction=repr(fraction), **extra)


class Epoch(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()


def _seconds(end: str, start: str = "created_at"):
    return Epoch(ExpressionWrapper(F(end) - F(start), output_field=DurationField()))


def _metric_counts(now):
    """The metrics that add up: a group's count is the sum of its parts' (`COUNTS`)."""
    return {
        "threads": Count("id"),
        "answered": Count("id", filter=Q(first_response_at__isnull=False)),
        "closed": Count("id", filter=Q(status=Thread.Status.CLOSED)),
        "past_target": Count(
            "id",
            filter=Q(first_response_at__gt=F("response_due_at"))
            | Q(first_response_at__isnull=True, response_due_at__lt=now),
        ),
    }


COUNTS = ("threads", "answered", "closed", "past_target")


def _metric_aggregates(now):
    return {
        **_metric_counts(now),
        "first_response_median": PercentileCont(_seconds("first_response_at"), 0.5),
        "first_response_p90": PercentileCont(_seconds("first_response_at"), 0.9),
        "resolution_median": PercentileCont(_seconds("closed_at"), 0.5),
        "resolution_p90": PercentileCont(_seconds("closed_at"), 0.9),
    }


def metrics_period(threads, *, start, end):
    return partner_asked(threads.filter(created_at__gte=start, created_at__lt=end))


def metrics_by_week(threads, *, now=None):
    """Rows per (week, category): counts, first response and resolution median/p90 (seconds)."""
    now = now or timezone.now()
    return list(
        threads.annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "category")
        .annotate(**_metric_aggregates(now))
        .order_by("-week", "category")
    )


def metrics_weekly_overall(threads, *, now=None):
    """Rows per week across categories (for the chart)."""
    now = now or timezone.now()
    return list(
        threads.annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week")
        .annotate(**_metric_aggregates(now))
        .order_by("week")
    )


def metrics_by_category(threads, *, now=None):
    now = now or timezone.now()
    return list(threads.values("category").annotate(**_metric_aggregates(now)).order_by("category"))


def metrics_total(threads, *, now=None):
    now = now or timezone.now()
    return threads.aggregate(**_metric_aggregates(now))


def metrics_tables(threads, *, now=None) -> tuple[list, list, list, dict]:
    """`metrics_by_week`, `metrics_weekly_overall`, `metrics_by_category` and `metrics_total`
    in one pass over the period's threads: the four queries each sorted the same ~10,000
    threads for their percentiles. The database groups the threads by (week, category) and
    returns each group's counts with its response and resolution times; the four tables are
    added up from those groups here, the percentiles with PostgreSQL's arithmetic
    (`percentile_cont`), so that every row equals the one its own query returns."""
    now = now or timezone.now()
    groups = list(
        threads.annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "category")
        .annotate(
            **_metric_counts(now),
            first_responses=_times("first_response_at"),
            resolutions=_times("closed_at"),
        )
        .order_by()
    )
    weekly = [{"week": g["week"], "category": g["category"], **_figures([g])} for g in groups]
    overall = [{"week": week, **_figures(rows)} for week, rows in _grouped(groups, "week")]
    by_category = [
        {"category": category, **_figures(rows)} for category, rows in _grouped(groups, "category")
    ]
    weekly.sort(key=lambda r: r["category"])
    weekly.sort(key=lambda r: r["week"], reverse=True)
    return weekly, overall, by_category, _figures(groups)


def _times(end: str):
    """The group's seconds from asking to `end`, in order (those of the groups together sort
    fast: sorted runs), the missing ones left out as percentile_cont leaves them."""
    seconds = _seconds(end)
    return ArrayAgg(seconds, filter=Q(**{f"{end}__isnull": False}), order_by=seconds, default=Value([]))


def _grouped(groups: list[dict], key: str):
    """(value, groups) for each value of `key` in the groups, in order of the value."""
    rows = sorted(groups, key=lambda g: g[key])
    return [(value, list(same)) for value, same in itertools.groupby(rows, key=lambda g: g[key])]


def _figures(groups: list[dict]) -> dict:
    """The metrics of the threads of `groups` together (no group: no threads)."""
    first_responses = sorted(t for g in groups for t in g["first_responses"])
    resolutions = sorted(t for g in groups for t in g["resolutions"])
    return {
        **{name: sum(g[name] for g in groups) for name in COUNTS},
        "first_response_median": percentile_cont(first_responses, 0.5),
        "first_response_p90": percentile_cont(first_responses, 0.9),
        "resolution_median": percentile_cont(resolutions, 0.5),
        "resolution_p90": percentile_cont(resolutions, 0.9),
    }


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont(fraction) over `ordered` (sorted, no nulls), with the same
    floating-point steps (its orderedsetaggs.c), so that a figure computed here from the
    times equals the one the database computes from the rows."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    first, second = math.floor(position), math.ceil(position)
    if first == second:
        return ordered[first]
    return ordered[first] + (position - first) * (ordered[second] - ordered[first])


METRICS_SECONDS = 300


def metrics_cached(threads, *, key: str, compute):
    """`compute(now)` for the metrics page over every thread of the period (`threads`), with
    `as_of` (when it was counted). It may lag: kept five minutes (the page says "as of"),
    and not read again once the first unanswered question of the period passes its response
    target (from then on the "past target" counts differ)."""

    def counted():
        now = timezone.now()
        value = compute(now)
        turns = (
            threads.filter(first_response_at__isnull=True, response_due_at__gte=now)
            .order_by()
            .aggregate(m=Min("response_due_at"))["m"]
        )
        return {**value, "as_of": now}, turns

    value, _turns = pagecache.lagging(
        f"threads:metrics:2:{key}",
        counted,
        seconds=METRICS_SECONDS,
        valid=lambda hit: hit[1] is None or timezone.now() < hit[1],
    )
    return value


def staff_participation(threads, *, start, end):
    """Who answered (public staff replies in the period) and how often.

    Counted per author first, then the few authors' names are read: joining every message
    to the user table hashed all 100,000 users at the large size. A viewer who sees every
    thread (support) gets no thread filter at all."""
    return with_authors(participation_counts(threads, start=start, end=end))


def participation_counts(threads, *, start, end) -> list[dict]:
    """`staff_participation` without the names: author_id, answers, threads."""
    messages = Message.objects.filter(
        kind=Message.Kind.PUBLIC, by_staff=True, created_at__gte=start, created_at__lt=end
    )
    if threads.query.has_filters():
        messages = messages.filter(thread__in=threads.values("pk"))
    return list(
        messages.values("author_id")
        .annotate(answers=Count("id"), threads=Count("thread", distinct=True))
        .order_by()
    )


def with_authors(rows):
    """Participation rows (author_id, answers, threads) with the authors' names (read live),
    sorted by answers."""
    rows = [dict(r) for r in rows]
    authors = User.objects.only("pk", "email", "display_name").in_bulk(
        [r["author_id"] for r in rows if r["author_id"]]
    )
    for r in rows:
        author = authors.get(r["author_id"])
        r["author__email"] = author.email if author else None
        r["author__display_name"] = author.display_name if author else None
    return sorted(rows, key=lambda r: (-r["answers"], r["author__email"] or ""))


# --- Channel dashboard block (registered in apps.py; prm.ui.registry.BlockQuery) -----------


def _hours(seconds):
    return round(seconds / 3600, 1) if seconds is not None else "-"


def questions_block(query: BlockQuery) -> dict:
    """Response times against the target, and which staff answered."""
    start, end = query.start_at, query.end_at
    threads = partner_asked(
        query.scoped(Thread.objects.all()).filter(created_at__gte=start, created_at__lt=end)
    )
    totals = threads.aggregate(**_metric_aggregates(timezone.now()))
    people = staff_participation(threads, start=start, end=end)[:10]
    out = [[p["author__display_name"] or p["author__email"], p["answers"], p["threads"]] for p in people]
    within = totals["threads"] - totals["past_target"]
    return {
        "title": _("Questions: response times and staff participation"),
        "header": [_("Staff member"), _("Answers"), _("Questions answered")],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {_("Answers"): [r[1] for r in out]},
        "detail_url": "threads:metrics",
        "managers_only": False,
        "note": _(
            "%(threads)s questions; %(within)s within the response target, %(late)s past it. "
            "First response: median %(median)s h, 90th percentile %(p90)s h."
        )
        % {
            "threads": totals["threads"],
            "within": within,
            "late": totals["past_target"],
            "median": _hours(totals["first_response_median"]),
            "p90": _hours(totals["first_response_p90"]),
        },
    }
