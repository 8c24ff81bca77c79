"""Query and Redis budgets of every partner page, layout included, at two data sizes.

The demo data set, then the same pages after `devtools.scaleseed` has grown a programme of 30
more partners around it (and given the demo partner the activity of a large partner:
hundreds of deals, events and threads). Each page is requested once to warm the
per-partner caches (as in steady state), then counted. A page fails if it runs more than
the budget, or more queries at the larger size than at the smaller one.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

BUDGET = 12
HOME_BUDGET = 6
# Redis round trips of a partner page in steady state: the session, one batched read of
# every scope version and value the page announced, and at most one more read.
REDIS_BUDGET = 3
# The layout (base.html through the `portal` context processor): the membership with its
# partner, and one query that counts every navigation badge and the notification bell.
# Session and user come from the auth middleware.
LAYOUT_QUERIES = 2


def _partner_urls(partner, *, admin: bool) -> list[str]:
    from content.queries import visible_assets
    from incentives.models import Deal, Statement
    from onboarding.models import OnboardingTask
    from payouts.models import Payout
    from threads.models import Thread
    from training.models import Course

    urls = [
        "/",
        "/onboarding/",
        "/onboarding/reminders/",
        "/training/",
        "/content/",
        "/content/?q=ガイド",  # Japanese readers see each asset once, in Japanese
        "/content/?sort=popular&page=2",
        "/content/bookmarks/",
        "/deals/",
        "/deals/new/",
        "/incentives/",
        "/campaigns/",
        "/questions/",
        "/questions/new/",
        "/team/",
        "/profile/",
        "/referrals/",
        f"/deals/{Deal.objects.filter(partner=partner).latest('pk').pk}/",
        f"/questions/{Thread.objects.filter(partner=partner).latest('pk').pk}/",
        f"/content/{visible_assets(partner).order_by('-use_count', 'pk').first().pk}/",
        f"/onboarding/tasks/{OnboardingTask.objects.filter(plan__partner=partner).first().pk}/",
        f"/training/courses/{Course.objects.filter(is_published=True).order_by('pk').first().slug}/",
    ]
    if admin:
        urls += [
            "/incentives/statements/",
            f"/incentives/statements/{Statement.objects.filter(partner=partner).latest('period').pk}/",
            "/privacy/provisions/",  # the partner's own third-party provision records (APPI)
            "/payouts/",  # payment statements and the payee profile
            "/payouts/payee/",
            f"/payouts/{Payout.objects.filter(partner=partner).latest('period').pk}/",
        ]
    return urls


class RedisRoundTrips:
    """Counts the commands sent to Redis (a pipeline or MGET is one): each is a round trip."""

    def __enter__(self):
        from redis.connection import AbstractConnection

        self.n, self._send = 0, AbstractConnection.send_packed_command

        def counted(conn, *args, **kwargs):
            self.n += 1
            return self._send(conn, *args, **kwargs)

        AbstractConnection.send_packed_command = counted
        return self

    def __exit__(self, *exc):
        from redis.connection import AbstractConnection

        AbstractConnection.send_packed_command = self._send


def _measure(email: str, *, admin: bool) -> dict[str, tuple[int, int]]:
    """(queries, Redis round trips) of each partner page, caches warm."""
    from prm.models import User
    from prm.tenancy import active_membership

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    client.get("/")  # the session is in Redis before counting (as after any sign-in)
    counts = {}
    for url in _partner_urls(active_membership(user).partner, admin=admin):
        client.get(url)  # warm the per-partner caches, as in steady state
        with CaptureQueriesContext(connection) as ctx, RedisRoundTrips() as redis:
            response = client.get(url)
        assert response.status_code == 200, (email, url, response.status_code)
        counts[f"{email} {url}"] = (len(ctx.captured_queries), redis.n)
    return counts


def _normalise(counts: dict[str, int]) -> dict[str, int]:
    """Object pages differ in id between sizes: key them by their URL pattern."""
    import re

    return {re.sub(r"/\d+/", "/<id>/", key): n for key, n in counts.items()}


@pytest.mark.django_db
def test_partner_pages_meet_the_query_budget_at_two_sizes():
    from django.core.cache import cache

    call_command("seed_demo", stdout=io.StringIO())
    roles = [("partner@example.com", True), ("member@example.com", False)]
    small = {}
    for email, admin in roles:
        small.update(_normalise(_measure(email, admin=admin)))
    call_command("seed_demo", scale="tiny", stdout=io.StringIO())  # 30 more partners (devtools/scaleseed.py)
    cache.clear()
    large = {}
    for email, admin in roles:
        large.update(_normalise(_measure(email, admin=admin)))

    problems = []
    for size, counts in (("small", small), ("large", large)):
        for key, (n, trips) in sorted(counts.items()):
            budget = HOME_BUDGET if key.endswith(" /") else BUDGET
            if n > budget:
                problems.append(f"{size}: {key}: {n} queries (budget {budget})")
            if trips > REDIS_BUDGET:
                problems.append(f"{size}: {key}: {trips} Redis round trips (budget {REDIS_BUDGET})")
    for key, (n, _trips) in sorted(large.items()):
        if n > small[key][0]:
            problems.append(f"{key}: {small[key][0]} -> {n} queries as the data grew")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_layout_has_a_fixed_cost_and_runs_once_per_request(world):
    from prm.ui.context_processors import portal

    request = RequestFactory().get("/")
    request.user = world.admin_a
    with CaptureQueriesContext(connection) as ctx:
        context = portal(request)
    assert len(ctx.captured_queries) == LAYOUT_QUERIES, [q["sql"] for q in ctx.captured_queries]
    assert context["membership"].partner == world.partner_a
    # The bell is counted with the badges: using it in the template costs nothing more.
    with CaptureQueriesContext(connection) as ctx:
        assert context["notification_unread"] == 0
        assert [item["badge"] for item in context["nav_items"]] == [0] * len(context["nav_items"])
    assert ctx.captured_queries == []
    # Every further render in the same request (home panels, htmx fragments) is free.
    with CaptureQueriesContext(connection) as ctx:
        assert portal(request) is context
    assert ctx.captured_queries == []


@pytest.mark.django_db
def test_the_home_page_runs_the_layout_queries_once(world, client_for):
    client = client_for(world.admin_a)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    # The layout's own look-up (the signed-in user's membership); panels may count members.
    membership = [
        s
        for s in sqls
        if s.startswith("SELECT")
        and 'FROM "partners_membership"' in s
        and '"partners_membership"."user_id" =' in s
    ]
    badge = [s for s in sqls if "COUNT(*)" in s and 'FROM "threads_thread"' in s]
    bell = [s for s in sqls if 'FROM "prm_notification"' in s]
    assert len(membership) == 1, membership
    # The badges and the bell: one query on the first page, then cached for the person
    # until a count moves (tests/perf/test_home_caches.py).
    assert badge == [] and bell == [], (badge, bell)
