"""List pages keep a flat number of queries as data grows (measured at two sizes)."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onboarding.models import TaskSubmission
from tests.factories import MembershipFactory, PartnerFactory
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.training.factories import CourseFactory, LessonFactory, UserCertificationFactory

pytestmark = pytest.mark.django_db


def grow_staff(world, n):
    for _ in range(n):
        plan = PlanFactory(partner=PartnerFactory(), owner=world.manager_a)
        for kind in ("signoff", "upload"):
            TaskFactory(plan=plan, kind=kind)
        task = plan.tasks.get(kind="upload")
        sub = TaskSubmission(task=task, submitted_by=MembershipFactory(partner=plan.partner).user)
        sub.file.save("doc.pdf", ContentFile(b"x"), save=False)
        sub.save()
        UserCertificationFactory(partner=plan.partner)


def grow_partner(world, n, plan):
    for _ in range(n):
        TaskFactory(plan=plan, kind="upload")
        course = CourseFactory()
        LessonFactory(course=course)
        UserCertificationFactory(
            partner=world.partner_a, user=MembershipFactory(partner=world.partner_a).user
        )


def count(client, url):
    """The page's queries when it is computed (nothing cached)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "name", ["onboarding:staff_plans", "onboarding:staff_reviews", "onboarding:staff_metrics"]
)
def test_staff_pages_are_flat(world, client_for, name):
    client = client_for(world.superuser)
    grow_staff(world, 2)
    small = count(client, reverse(name))
    grow_staff(world, 12)
    assert count(client, reverse(name)) == small


@pytest.mark.parametrize("name", ["onboarding:index", "training:index", "home"])
def test_partner_pages_are_flat(world, client_for, name):
    client = client_for(world.member_a)
    plan = PlanFactory(partner=world.partner_a, owner=world.manager_a)
    grow_partner(world, 2, plan)
    client.get(reverse(name))  # warm-up: a first visit creates the partner's referral link
    small = count(client, reverse(name))
    grow_partner(world, 12, plan)
    assert count(client, reverse(name)) == small
