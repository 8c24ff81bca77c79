"""Shared fixtures. `world` is the cast every permission test uses (docs/style.md)."""

import uuid
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from partners.models import Membership, Partner, PartnerType
from prm.models import CHANNEL_MANAGERS, SUPPORT
from tests import cacheguard
from tests.factories import PASSWORD, MembershipFactory, PartnerFactory, UserFactory

# Fixtures of an app that tests of the apps above it use too (a course, a certification).
pytest_plugins = ["tests.training.fixtures", "tests.sso.fixtures"]


@dataclass
class World:
    partner_a: Partner
    admin_a: object
    member_a: object
    partner_b: Partner
    admin_b: object
    manager_a: object  # channel manager assigned to partner A (guardian)
    manager_other: object  # channel manager assigned to nobody
    support: object
    superuser: object
    password: str = PASSWORD

    # Partner A's name is unique enough that finding it in another role's page is a leak.
    SECRET_A = "Alpha Secret Trading 7f3a"

    def user(self, role: str):
        return None if role == "anon" else getattr(self, role)


@pytest.fixture
def world(db) -> World:
    managers = Group.objects.get(name=CHANNEL_MANAGERS)
    support_group = Group.objects.get(name=SUPPORT)
    partner_a = PartnerFactory(name=World.SECRET_A, slug="alpha", partner_type=PartnerType.DELIVERY)
    partner_b = PartnerFactory(name="Beta Holdings", slug="beta", partner_type=PartnerType.SALES)
    admin_a = MembershipFactory(
        partner=partner_a, role=Membership.Role.ADMIN, user__email="admin-a@example.test"
    ).user
    member_a = MembershipFactory(partner=partner_a, user__email="member-a@example.test").user
    admin_b = MembershipFactory(
        partner=partner_b, role=Membership.Role.ADMIN, user__email="admin-b@example.test"
    ).user
    manager_a = UserFactory(email="manager-a@example.test", is_staff=True)
    manager_a.groups.add(managers)
    assign_perm("partners.manage_partner", manager_a, partner_a)
    manager_other = UserFactory(email="manager-other@example.test", is_staff=True)
    manager_other.groups.add(managers)
    support = UserFactory(email="support@example.test", is_staff=True)
    support.groups.add(support_group)
    superuser = UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    return World(
        partner_a=partner_a,
        admin_a=admin_a,
        member_a=member_a,
        partner_b=partner_b,
        admin_b=admin_b,
        manager_a=manager_a,
        manager_other=manager_other,
        support=support,
        superuser=superuser,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PRM_STAFF_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and caches start empty in every test (the test cache is its own Redis db)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _cache_guard(request):
    """The cache policy holds in every test (tests/cacheguard.py): an app write to rows a
    cached page shows without a bump fails the test, and so does a cached value that reads
    rows outside its scopes."""
    guard = cacheguard.Guard(cacheguard.app_dirs())
    request.node._cache_guard = guard
    with cacheguard.guarding(guard):
        yield guard
    problems = guard.report()
    if problems:
        pytest.fail("cache policy:\n" + "\n".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The guard judges the test's own calls, not its fixtures' setup."""
    guard = getattr(item, "_cache_guard", None)
    if guard is not None:
        # Only the test's own bumps cover its writes: not those its fixtures made inside the
        # test's transaction (they would excuse every later write of their kind).
        guard.armed, guard.base, guard.covered = True, tuple(guard.blocks), []
    try:
        return (yield)
    finally:
        if guard is not None:
            guard.armed = False


@pytest.fixture
def celery_queue(settings):
    """A private queue for a test's real worker (tests/celery_worker.py), also where this
    process sends its tasks while the test runs."""
    from prm.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    yield name
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.task_default_queue = "celery"
