"""No account takeover from the admin (issue 21, finding 2).

The attack: a channel manager sets a partner user's `User.email` to their own mailbox in the
admin, then asks for a password reset (allauth falls back to that column) and signs in as the
user. Now the admin never changes an e-mail address (whoever asks), the attempt is audited,
and the person changes it only through allauth's verified flow: a link to the new address,
a notice to the old one. Managers also no longer reach people with no membership at all.
"""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from partners.models import Membership
from prm.access.admin_mixins import users_for_staff
from prm.models import AuditEvent
from tests.factories import UserFactory
from tests.prm.test_admin_escalation import user_form

pytestmark = pytest.mark.django_db

ATTACKER = "attacker@evil.example"
RESET_LINK = "/accounts/password/reset/key/"


def _verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def test_a_manager_cannot_take_over_a_partner_user_through_the_admin(world, client_for):
    member = world.member_a
    _verified(member)
    manager = client_for(world.manager_a)
    response = manager.post(f"/admin/prm/user/{member.pk}/change/", user_form(member, email=ATTACKER))
    assert response.status_code == 302  # the rest of the form is saved ...
    member.refresh_from_db()
    assert member.email != ATTACKER and member.display_name == "Renamed"  # ... the address is not
    row = AuditEvent.objects.get(actor=world.manager_a, action="admin.denied")
    assert (row.data["reason"], row.data["attempted"]) == ("email_change", ATTACKER)
    # The reset the attacker asks for goes nowhere; the user's own address still gets theirs.
    anon = client_for(None)
    anon.post(reverse("account_reset_password"), {"email": ATTACKER})
    assert not [m for m in mail.outbox if RESET_LINK in m.body]  # ("no account here", at most)
    anon.post(reverse("account_reset_password"), {"email": member.email})
    assert [m.to for m in mail.outbox if RESET_LINK in m.body] == [[member.email]]


def test_the_address_is_read_only_in_the_admin_even_for_superusers(world, client_for):
    root = client_for(world.superuser)
    page = root.get(f"/admin/prm/user/{world.member_a.pk}/change/").content.decode()
    assert 'name="email"' not in page and world.member_a.email in page
    form = user_form(world.member_a, email=ATTACKER, is_active="on")
    root.post(f"/admin/prm/user/{world.member_a.pk}/change/", form)
    world.member_a.refresh_from_db()
    assert world.member_a.email != ATTACKER
    # Creating an account still takes an address.
    assert 'name="email"' in root.get("/admin/prm/user/add/").content.decode()


def test_a_person_changes_their_address_through_the_verified_flow(world, client):
    member = world.member_a
    member.set_password(world.password)
    member.save()
    _verified(member)
    old = member.email
    client.post(reverse("account_login"), {"login": old, "password": world.password})
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new-home@example.test"})
    # A change asks for the password again (a stolen session is not enough), then goes on.
    assert "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": world.password})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == old  # nothing changes before the new address is verified
    (verification,) = [m for m in mail.outbox if m.to == ["new-home@example.test"]]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", verification.body).group(0)
    mail.outbox.clear()
    client.post(urlsplit(link).path)
    member.refresh_from_db()
    assert member.email == "new-home@example.test"
    assert [m.to for m in mail.outbox] == [[old]]  # the old address is told
    assert not EmailAddress.objects.filter(user=member, email=old).exists()


def test_the_email_page_follows_the_content_security_policy(world, client_for):
    _verified(world.member_a)
    EmailAddress.objects.create(user=world.member_a, email="pending@example.test", verified=False)
    page = client_for(world.member_a).get(reverse("account_email")).content.decode()
    assert 'id="pending-email"' in page and "style=" not in page


def test_managers_do_not_reach_people_without_a_membership(world, client_for):
    loose = UserFactory(email="removed-from-somewhere@example.test")  # no membership
    ended = Membership.objects.get(user=world.member_a)
    ended.is_active = False
    ended.save()
    world.manager_other.user_permissions.add(*_global_manage())  # a manager who sees every partner
    for manager in (world.manager_a, world.manager_other):
        visible = set(users_for_staff(manager))
        assert loose not in visible
        client = client_for(manager)
        assert client.get(f"/admin/prm/user/{loose.pk}/change/").status_code == 404
        assert loose.email not in client.get("/admin/prm/user/").content.decode()
        # Nor can they attach that person to a partner of theirs.
        response = client.post(
            "/admin/partners/membership/add/",
            {"user": loose.pk, "partner": world.partner_a.pk, "role": "admin", "is_active": "on"},
        )
        assert response.status_code == 200 and not Membership.objects.filter(user=loose).exists()
    assert world.member_a in users_for_staff(world.manager_a)  # an ended membership still counts
    assert loose in users_for_staff(world.superuser)


def _global_manage():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="manage_partner", content_type__app_label="partners")
