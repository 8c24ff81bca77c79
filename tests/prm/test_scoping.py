"""prm.access.scoping: the planner-friendly shape of a staff scope must never widen it."""

from incentives.models import Deal
from prm.access.scoping import scoped, sees_every_partner
from prm.tenancy import partners_for_staff
from tests.factories import UserFactory
from tests.incentives.factories import DealFactory


def test_a_manager_without_grants_sees_nothing(world):
    DealFactory(partner=world.partner_a)
    stranger = UserFactory(email="no-grants@example.test", is_staff=True)
    stranger.groups.add(*world.manager_a.groups.all())
    visible = partners_for_staff(stranger)
    assert not sees_every_partner(visible)
    assert not scoped(Deal.objects.all(), visible).exists()


def test_an_assigned_manager_sees_only_the_assigned_partner(world):
    mine = DealFactory(partner=world.partner_a)
    DealFactory(partner=world.partner_b)
    visible = partners_for_staff(world.manager_a)
    assert not sees_every_partner(visible)
    assert list(scoped(Deal.objects.all(), visible)) == [mine]


def test_support_and_superusers_see_every_partner(world):
    assert sees_every_partner(partners_for_staff(world.support))
    assert sees_every_partner(partners_for_staff(world.superuser))
