"""A person's own profile: the name colleagues, managers and certificates show, and the
language of their e-mails; the name an identity provider asserts for an account without one."""

import pytest
from django.urls import reverse

from prm.accounts.services import name_from_identity_provider
from prm.models import AuditEvent
from sso.adapters import asserted_name
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db


def test_a_member_names_themself_and_their_certificate_shows_it(world, client_for):
    award = UserCertificationFactory(user=world.member_a, partner=world.partner_a)
    certificate = reverse("training:certificate", args=[award.code])
    world.member_a.display_name = ""
    world.member_a.save(update_fields=["display_name"])
    client = client_for(world.member_a)
    assert world.member_a.public_name() in client.get(certificate).content.decode()  # initials

    page = client.get(reverse("profile")).content.decode()
    assert 'name="display_name"' in page and world.member_a.email in page
    response = client.post(reverse("profile"), {"display_name": "  山田\u3000 太郎 ", "language": "en"})
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert (world.member_a.display_name, world.member_a.language) == ("山田 太郎", "en")
    event = AuditEvent.objects.get(action="account.profile_updated")
    assert event.data["changes"]["display_name"] == ["", "山田 太郎"]
    # Shown at once where the name is shown: the menu and the public certificate.
    assert "山田 太郎" in client.get("/").content.decode()
    assert "山田 太郎" in client.get(certificate).content.decode()
    # Saving it unchanged writes nothing.
    client.post(reverse("profile"), {"display_name": "山田 太郎", "language": "en"})
    assert AuditEvent.objects.filter(action="account.profile_updated").count() == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"display_name": "taro@example.test", "language": "ja"}, "not an e-mail address"),
        ({"display_name": "x" * 151, "language": "ja"}, "150"),
        ({"display_name": "Taro", "language": "fr"}, "Select a valid choice"),
    ],
    ids=["address", "too-long", "language"],
)
def test_bad_input_is_told_and_nothing_changes(world, client_for, data, words):
    world.member_a.language = "en"  # a signed-in person's pages are in their language
    world.member_a.save(update_fields=["language"])
    client = client_for(world.member_a)
    before = (world.member_a.display_name, world.member_a.language)
    response = client.post(reverse("profile"), data)
    assert response.status_code == 400 and words in response.content.decode()
    world.member_a.refresh_from_db()
    assert (world.member_a.display_name, world.member_a.language) == before


def test_a_hostile_name_is_text_everywhere(world, client_for):
    client = client_for(world.member_a)
    client.post(reverse("profile"), {"display_name": "<script>alert(1)</script>", "language": "ja"})
    page = client.get(reverse("profile")).content.decode() + client.get("/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_staff_have_a_profile_too(world, client_for):
    response = client_for(world.support).post(
        reverse("profile"), {"display_name": "サポート 花子", "language": "ja"}
    )
    assert response.status_code == 302
    world.support.refresh_from_db()
    assert world.support.display_name == "サポート 花子"


@pytest.mark.parametrize(
    ("claims", "name"),
    [
        ({"name": "Hanako Kita", "given_name": "Hanako"}, "Hanako Kita"),
        ({"family_name": "北", "given_name": "花子"}, "北 花子"),
        ({"displayName": ["北 花子"]}, "北 花子"),
        ({"http://schemas.microsoft.com/identity/claims/displayname": ["Kita Hanako"]}, "Kita Hanako"),
        ({"sn": ["北"], "givenName": ["花子"]}, "北 花子"),
        ({"email": "hanako@example.test"}, ""),
    ],
)
def test_the_name_an_identity_provider_asserts(claims, name):
    assert asserted_name(claims) == name


def test_an_identity_providers_name_never_replaces_a_chosen_one(world):
    world.member_a.display_name = ""
    world.member_a.save(update_fields=["display_name"])
    assert not name_from_identity_provider(user=world.member_a, name="hanako@example.test")
    assert name_from_identity_provider(user=world.member_a, name="北\n花子\x00")
    assert world.member_a.display_name == "北 花子"
    assert not name_from_identity_provider(user=world.member_a, name="Someone Else")
    world.member_a.refresh_from_db()
    assert world.member_a.display_name == "北 花子"
    assert AuditEvent.objects.filter(action="account.name_from_idp").count() == 1
