"""The navigation badges and the bell are counted in one query (`prm.ui.registry.nav_counts`),
each badge's rows exactly as its own queryset counts them: an ORM sub-query per badge, no SQL
taken from one query and pasted into another."""

import pytest
from django.test import RequestFactory

from partners.models import Partner
from prm.notifications.center import notify, unread
from prm.ui import registry


@pytest.fixture
def badges(monkeypatch):
    """Only this test's badges (the apps' own are restored afterwards)."""
    monkeypatch.setattr(registry, "_nav_badges", {})


def test_every_badge_and_the_bell_are_counted_in_one_query(world, badges, django_assert_num_queries):
    active = Partner.objects.filter(memberships__is_active=True)  # partner A once per member
    registry.register_nav_badge("memberships", lambda request: active)
    registry.register_nav_badge("partners", lambda request: active.distinct())
    registry.register_nav_badge("named", lambda request: Partner.objects.filter(name__startswith="Beta"))
    registry.register_nav_badge("nothing", lambda request: Partner.objects.none())
    registry.register_nav_badge("known", lambda request: 7)
    notify(
        kind="answer_received",
        recipients=[world.admin_a],
        event_key="t:1",
        params={"subject": "x"},
        email=False,
    )
    request = RequestFactory().get("/")
    request.user = world.admin_a
    expected = {
        "memberships": active.count(),
        "partners": active.distinct().count(),
        "named": 1,
        "nothing": 0,
        "known": 7,
        "_bell": unread(world.admin_a).count(),
    }
    assert expected["memberships"] == 3 and expected["partners"] == 2 and expected["_bell"] == 1

    with django_assert_num_queries(1):
        counts = registry.nav_counts(request, {"_bell": unread(world.admin_a)})
    assert counts == expected


def test_numbers_alone_ask_the_database_nothing(world, badges, django_assert_num_queries):
    registry.register_nav_badge("known", lambda request: 3)
    request = RequestFactory().get("/")
    request.user = world.member_a
    with django_assert_num_queries(0):
        assert registry.nav_counts(request) == {"known": 3}


def test_a_person_without_a_membership_gets_the_same_counts(world, badges):
    registry.register_nav_badge("partners", lambda request: Partner.objects.all())
    request = RequestFactory().get("/")
    request.user = world.support
    assert registry.nav_counts(request) == {"partners": 2}
