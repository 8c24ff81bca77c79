"""Metrics on a known data set (times fixed so that every number can be worked out by hand)."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.threads.factories import ANSWER, make_thread
from threads import queries, services
from threads.models import Message, Thread

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)  # a Friday
WED = datetime(2026, 11, 18, 10, 0, tzinfo=TOKYO)
MON = datetime(2026, 11, 16, 10, 0, tzinfo=TOKYO)
LAST_WEEK = datetime(2026, 11, 10, 10, 0, tzinfo=TOKYO)
HOUR = 3600


def known(world, *, category, created, response_hours=None, closed_hours=None, responder=None, partner=None):
    partner = partner or world.partner_a
    author = world.member_a if partner == world.partner_a else world.admin_b
    thread = make_thread(partner, author, category=category, subject=f"{category} {created:%d %H}")
    Thread.objects.filter(pk=thread.pk).update(
        created_at=created, response_due_at=services.add_business_days(created, 1)
    )
    Message.objects.filter(thread=thread).update(created_at=created)
    if response_hours is not None:
        answer = services.staff_reply(thread=thread, author=responder or world.support, body=ANSWER)
        at = created + timedelta(hours=response_hours)
        Message.objects.filter(pk=answer.pk).update(created_at=at)
        Thread.objects.filter(pk=thread.pk).update(first_response_at=at)
    if closed_hours is not None:
        services.thread_close(thread=thread, actor=world.support)
        Thread.objects.filter(pk=thread.pk).update(closed_at=created + timedelta(hours=closed_hours))
    return thread


@pytest.fixture
def dataset(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    for hours, closed in ((1, 24), (2, 48), (3, None), (10, None)):
        known(world, category="deals", created=WED, response_hours=hours, closed_hours=closed)
    # Technical: one never answered (due Thu 10:00, now Fri: past target), one answered
    # 49 h after a Monday question (due Tue 10:00: past target).
    known(world, category="technical", created=WED)
    known(world, category="technical", created=MON, response_hours=49, responder=world.manager_a)
    # Last week, partner B (outside manager_a's scope).
    known(world, category="other", created=LAST_WEEK, response_hours=5, partner=world.partner_b)
    return world


def by(rows, **match):
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def test_medians_and_p90_by_category(dataset):
    rows = queries.metrics_by_category(Thread.objects.all())
    deals = by(rows, category="deals")
    assert deals["threads"] == 4 and deals["answered"] == 4 and deals["closed"] == 2
    assert deals["first_response_median"] == pytest.approx(2.5 * HOUR)
    assert deals["first_response_p90"] == pytest.approx(7.9 * HOUR)  # 3 + 0.7 * (10 - 3)
    assert deals["resolution_median"] == pytest.approx(36 * HOUR)
    assert deals["resolution_p90"] == pytest.approx(45.6 * HOUR)
    assert deals["past_target"] == 0
    technical = by(rows, category="technical")
    assert technical["threads"] == 2 and technical["answered"] == 1
    assert technical["first_response_median"] == pytest.approx(49 * HOUR)
    assert technical["resolution_median"] is None
    assert technical["past_target"] == 2


def test_weeks_are_split_in_local_time(dataset):
    rows = queries.metrics_by_week(Thread.objects.all())
    weeks = {(r["week"].astimezone(TOKYO).date().isoformat(), r["category"]): r["threads"] for r in rows}
    assert weeks == {("2026-11-16", "deals"): 4, ("2026-11-16", "technical"): 2, ("2026-11-09", "other"): 1}


def test_totals_and_past_target_queryset(dataset):
    total = queries.metrics_total(Thread.objects.all())
    assert total["threads"] == 7 and total["past_target"] == 2
    assert Thread.objects.past_target().count() == 2


def test_staff_participation(dataset):
    start, end = NOW - timedelta(days=30), NOW
    people = queries.staff_participation(Thread.objects.all(), start=start, end=end)
    assert [(p["author__email"], p["answers"], p["threads"]) for p in people] == [
        (dataset.support.email, 5, 5),
        (dataset.manager_a.email, 1, 1),
    ]


def test_metrics_page_is_scoped_to_the_managers_partners(dataset, client_for):
    page = client_for(dataset.manager_a).get("/staff/questions/metrics/?start=2026-11-01&end=2026-11-20")
    assert page.status_code == 200
    assert page.context["total"]["threads"] == 6  # partner B's question is not counted
    assert page.context["staff_count"] == 2
    support = client_for(dataset.support).get("/staff/questions/metrics/?start=2026-11-01&end=2026-11-20")
    assert support.context["total"]["threads"] == 7


def test_metrics_period_filter_and_bad_range(dataset, client_for):
    client = client_for(dataset.support)
    page = client.get("/staff/questions/metrics/?start=2026-11-16&end=2026-11-20")
    assert page.context["total"]["threads"] == 6
    bad = client.get("/staff/questions/metrics/?start=2026-11-20&end=2026-11-01")
    assert bad.status_code == 200 and bad.context["form"].errors


def test_metrics_csv(dataset, client_for):
    client = client_for(dataset.support)
    weekly = (
        client.get("/staff/questions/metrics/?start=2026-11-01&end=2026-11-20&format=csv").getvalue().decode()
    )
    assert weekly.startswith("\ufeff")
    lines = weekly.strip().splitlines()
    assert len(lines) == 4  # header + three (week, category) rows
    assert "2026-11-16" in weekly and "2.5" in weekly and "7.9" in weekly
    people = client.get("/staff/questions/metrics/?start=2026-11-01&end=2026-11-20&format=csv&table=people")
    assert dataset.support.email in people.getvalue().decode()


def test_one_pass_metrics_equal_the_four_queries(dataset):
    start, end = NOW - timedelta(weeks=3), NOW + timedelta(days=1)
    threads = queries.metrics_period(Thread.objects.all(), start=start, end=end)
    weekly, overall, by_category, total = queries.metrics_tables(threads, now=NOW)
    assert weekly and weekly == queries.metrics_by_week(threads, now=NOW)
    assert overall == queries.metrics_weekly_overall(threads, now=NOW)
    assert by_category == queries.metrics_by_category(threads, now=NOW)
    assert total == queries.metrics_total(threads, now=NOW)


def test_one_pass_metrics_equal_the_four_queries_on_uneven_times(world, django_assert_num_queries):
    """Forty questions over five weeks, in three categories and two partners (one outside
    manager_a's scope), with times to the microsecond: every percentile falls between two
    times, so the interpolation is checked against the database's to the last bit."""
    rng = random.Random(24)
    for i in range(40):
        created = NOW - timedelta(days=rng.randrange(35), seconds=rng.randrange(86_400), microseconds=i)
        thread = make_thread(
            world.partner_a if i % 3 else world.partner_b,
            world.member_a if i % 3 else world.admin_b,
            category=("deals", "technical", "other")[i % 3 if i < 30 else 0],
        )
        answered = created + timedelta(seconds=rng.uniform(60, 200_000)) if i % 4 else None
        closed = (answered or created) + timedelta(seconds=rng.uniform(1, 500_000)) if i % 5 else None
        Thread.objects.filter(pk=thread.pk).update(
            created_at=created,
            response_due_at=services.add_business_days(created, 1),
            first_response_at=answered,
            closed_at=closed,
            status=Thread.Status.CLOSED if closed else Thread.Status.OPEN,
        )
    for scope in (Thread.objects.all(), Thread.objects.for_staff(world.manager_a)):
        threads = queries.metrics_period(scope, start=NOW - timedelta(weeks=6), end=NOW)
        with django_assert_num_queries(1):  # one pass, whatever the scope
            weekly, overall, by_category, total = queries.metrics_tables(threads, now=NOW)
        assert len(weekly) > 10 and weekly == queries.metrics_by_week(threads, now=NOW)
        assert len(overall) > 4 and overall == queries.metrics_weekly_overall(threads, now=NOW)
        assert by_category == queries.metrics_by_category(threads, now=NOW)
        assert total == queries.metrics_total(threads, now=NOW)


def test_percentile_cont_is_the_databases(db):
    """`queries.percentile_cont` takes the same floating-point steps as PostgreSQL's."""
    rng = random.Random(7)
    cases = [([], 0.5), ([3.25], 0.9), ([1.0, 2.0], 0.5)]
    cases += [
        (sorted(rng.uniform(0, 10**6) for _ in range(rng.randrange(1, 60))), fraction)
        for fraction in (0.1, 0.5, 0.9, 0.99)
        for _ in range(25)
    ]
    with connection.cursor() as cursor:
        for values, fraction in cases:
            cursor.execute(
                "SELECT percentile_cont(%s::float8) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) v",
                [fraction, values],
            )
            assert queries.percentile_cont(values, fraction) == cursor.fetchone()[0], (values, fraction)


def test_one_pass_metrics_of_an_empty_period(world):
    for empty in (Thread.objects.filter(pk=-1), Thread.objects.none()):
        weekly, overall, by_category, total = queries.metrics_tables(empty)
        assert (weekly, overall, by_category) == ([], [], [])
        assert total == queries.metrics_total(Thread.objects.filter(pk=-1))


@pytest.mark.parametrize("role", ["support", "manager_a"])
def test_metrics_page_query_count_does_not_grow(role, world, client_for, django_assert_max_num_queries):
    client = client_for(world.user(role))
    url = "/staff/questions/metrics/"
    for i in range(2):
        known(
            world, category="technical", created=datetime.now(TOKYO) - timedelta(days=i + 1), response_hours=2
        )
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    n_small = len(small.captured_queries)
    for i in range(12):
        known(
            world,
            category="deals",
            created=datetime.now(TOKYO) - timedelta(days=i + 3),
            response_hours=1,
            closed_hours=5,
            partner=world.partner_b if i % 2 else world.partner_a,
        )
    with django_assert_max_num_queries(12):  # served from the cache (the figures may lag)
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(n_small):
        assert client.get(url).status_code == 200


def test_the_cached_metrics_may_lag_then_follow_answers_and_the_clock(world, client_for, time_machine):
    """Every-thread metrics may lag five minutes (prm.cache.pagecache.lagging; the page says when
    they were counted): an answer shows once that has passed. A question passing its
    response target shows at once, with no change to the data."""
    from django.core.cache import cache

    from prm.cache import pagecache

    time_machine.move_to(NOW, tick=False)
    waiting = known(world, category="deals", created=NOW - timedelta(hours=23))  # due today 13:00
    later = known(world, category="technical", created=NOW - timedelta(hours=1))  # due Monday
    client = client_for(world.support)
    url = "/staff/questions/metrics/"
    response = client.get(url)
    total = response.context["total"]
    assert (total["threads"], total["answered"], total["past_target"]) == (2, 0, 0)
    assert 'data-testid="metrics-as-of"' in response.content.decode()
    services.staff_reply(thread=later, author=world.support, body=ANSWER)
    assert client.get(url).context["total"]["answered"] == 0  # served from the cache: it may lag
    cache.delete_pattern(pagecache.lagging_key("threads:metrics:*"))  # five minutes later
    total = client.get(url).context["total"]
    assert (total["answered"], total["past_target"]) == (1, 0)
    assert [p["answers"] for p in client.get(url).context["people"]] == [1]
    time_machine.move_to(NOW + timedelta(hours=2), tick=False)  # 14:00: `waiting` is late now
    client.force_login(world.support)  # two idle hours end a staff session (PRM_STAFF_IDLE_TIMEOUT)
    assert client.get(url).context["total"]["past_target"] == 1
    assert waiting.pk
