"""Finding 7c (issue 21): the public certificate page shows the holder's name, or initials
when no name is set, and never the e-mail address."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db


def _page(world, user) -> str:
    award = UserCertificationFactory(user=user, partner=world.partner_a)
    return Client().get(reverse("training:certificate", args=[award.code])).content.decode()


def test_a_holder_without_a_name_shows_initials_not_the_address(world):
    user = MembershipFactory(
        partner=world.partner_a, user__email="taro.yamada@alpha.example", user__display_name=""
    ).user
    html = _page(world, user)
    assert "taro.yamada" not in html and "alpha.example" not in html and "@" not in html.split("<main", 1)[-1]
    assert ">T. Y.</p>" in html


def test_a_holder_with_a_name_shows_the_name(world):
    user = MembershipFactory(
        partner=world.partner_a, user__email="hanako@alpha.example", user__display_name="山田 花子"
    ).user
    html = _page(world, user)
    assert "山田 花子" in html and "hanako@alpha.example" not in html


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("a.b.c.d@x.example", "A. B. C."),
        ("j+tag@x.example", "J. T."),
        ("x-9@x.example", "X."),
        ("123@x.example", "—"),
    ],
)
def test_initials_never_spell_the_address(email, shown):
    from prm.models import User

    assert User(email=email, display_name="  ").public_name() == shown
