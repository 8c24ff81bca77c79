from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from onboarding.models import Pillar, TaskKind
from prm.models import CHANNEL_MANAGERS
from tests.factories import UserFactory
from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory


@pytest.fixture
def manager(db):
    user = UserFactory(email="owner@example.test", display_name="Olivia Owner", is_staff=True)
    user.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    return user


@pytest.fixture
def asset(db):
    from content.models import Asset

    return Asset.objects.create(
        title="Partner programme guide", status=Asset.Status.PUBLISHED, published_at=timezone.now()
    )


@pytest.fixture
def template(course, certification, asset):
    """A template for the "delivery" type (partner A in `world`) with every kind of task."""
    t = ChecklistTemplateFactory(name="Delivery onboarding", partner_type="delivery", target_days=60)
    TemplateTaskFactory(
        template=t,
        position=1,
        pillar=Pillar.GOALS,
        title="Kick-off",
        kind=TaskKind.SIGNOFF,
        due_offset_days=7,
    )
    TemplateTaskFactory(
        template=t,
        position=2,
        pillar=Pillar.SELF_SERVICE,
        title="Read the guide",
        kind=TaskKind.ASSET,
        asset=asset,
        due_offset_days=10,
    )
    TemplateTaskFactory(
        template=t,
        position=3,
        pillar=Pillar.SELF_SERVICE,
        title="Fill in your profile",
        kind=TaskKind.PROFILE,
        due_offset_days=14,
    )
    TemplateTaskFactory(
        template=t,
        position=4,
        pillar=Pillar.TRAINING,
        title="Take product basics",
        kind=TaskKind.COURSE,
        course=course,
        due_offset_days=30,
    )
    TemplateTaskFactory(
        template=t,
        position=5,
        pillar=Pillar.GOALS,
        title="Upload business plan",
        kind=TaskKind.UPLOAD,
        due_offset_days=45,
    )
    TemplateTaskFactory(
        template=t,
        position=6,
        pillar=Pillar.CERTIFICATION,
        title="Get certified",
        kind=TaskKind.CERTIFICATION,
        certification=certification,
        due_offset_days=60,
    )
    return t


@pytest.fixture
def plan(world, template, manager):
    from onboarding.services import plan_start

    return plan_start(partner=world.partner_a, actor=manager, owner=manager)


def days(n):
    return timedelta(days=n)
