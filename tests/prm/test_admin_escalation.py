"""No escalation through the admin: a channel manager's POSTs change nothing and are audited."""

import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import get_perms

from partners.models import Membership
from prm.models import CHANNEL_MANAGERS, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def denied(actor):
    return AuditEvent.objects.filter(actor=actor, action="admin.denied")


def user_form(user, **extra):
    data = {
        "email": user.email,
        "display_name": "Renamed",
        "language": "ja",
        "is_active": "on",
        "last_login_0": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(extra)
    return data


def test_it_ignores_superuser_staff_groups_and_permissions_on_own_account(world, client_for):
    manager = world.manager_a
    perm = Permission.objects.get(codename="delete_partner")
    admins = Group.objects.create(name="Admins")
    response = client_for(manager).post(
        f"/admin/prm/user/{manager.pk}/change/",
        user_form(
            manager,
            is_superuser="on",
            is_staff="on",
            groups=[admins.pk],
            user_permissions=[perm.pk],
        ),
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.display_name == "Renamed"  # the allowed part of the form still works
    assert not manager.is_superuser
    assert not manager.groups.filter(pk=admins.pk).exists()
    assert not manager.user_permissions.exists()
    row = denied(manager).get()
    assert row.data["reason"] == "protected_user_fields"
    assert row.data["fields"] == ["groups", "is_staff", "is_superuser", "user_permissions"]


def test_it_hides_permission_fields_from_a_manager(world, client_for):
    response = client_for(world.manager_a).get(f"/admin/prm/user/{world.manager_a.pk}/change/")
    assert response.status_code == 200
    for name in ("is_superuser", "user_permissions", "groups", "is_staff"):
        assert f'name="{name}"' not in response.getvalue().decode()


def test_it_cannot_open_staff_accounts(world, client_for):
    client = client_for(world.manager_a)
    for staff in (world.superuser, world.support, world.manager_other):
        assert client.get(f"/admin/prm/user/{staff.pk}/change/").status_code == 404
        response = client.post(f"/admin/prm/user/{staff.pk}/change/", user_form(staff, is_active=""))
        assert response.status_code == 404
        staff.refresh_from_db()
        assert staff.is_active and staff.display_name != "Renamed"
    assert denied(world.manager_a).filter(data__reason="out_of_scope").count() == 3


def test_it_refuses_password_changes_of_others(world, client_for):
    member = world.member_a  # a user of the manager's own partner
    old = member.password
    response = client_for(world.manager_a).post(
        f"/admin/prm/user/{member.pk}/password/",
        {"password1": "N3w-passw0rd!x", "password2": "N3w-passw0rd!x", "usable_password": "true"},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.password == old
    assert denied(world.manager_a).filter(data__reason="password_of_other_user").exists()


def test_it_cannot_add_users_or_groups(world, client_for):
    client = client_for(world.manager_a)
    response = client.post(
        "/admin/prm/user/add/",
        {"email": "evil@example.test", "password1": "x-Secret-9876", "password2": "x-Secret-9876"},
    )
    assert response.status_code == 403
    response = client.post("/admin/auth/group/add/", {"name": "Evil", "permissions": []})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Evil").exists()
    assert denied(world.manager_a).filter(data__reason="superuser_only").exists()
    groups = Group.objects.get(name=CHANNEL_MANAGERS)
    response = client.post(f"/admin/auth/group/{groups.pk}/change/", {"name": CHANNEL_MANAGERS})
    assert response.status_code == 403


def test_it_keeps_guardian_screens_for_superusers(world, client_for):
    client = client_for(world.manager_a)
    partner = world.partner_a  # even the manager's own partner
    assert client.get(f"/admin/partners/partner/{partner.pk}/permissions/").status_code == 403
    response = client.post(
        f"/admin/partners/partner/{world.partner_b.pk}/permissions/user-manage/{world.manager_a.pk}/",
        {"permissions": ["manage_partner"]},
    )
    assert response.status_code == 403
    assert "manage_partner" not in get_perms(world.manager_a, world.partner_b)
    assert denied(world.manager_a).filter(data__reason="object_permissions").count() == 2
    root = client_for(world.superuser)
    assert root.get(f"/admin/partners/partner/{partner.pk}/permissions/").status_code == 200


def test_it_audits_guardian_grants_and_revocations_by_a_superuser(world, client_for):
    root = client_for(world.superuser)
    url = f"/admin/partners/partner/{world.partner_b.pk}/permissions/user-manage/{world.manager_other.pk}/"
    assert root.post(url, {"permissions": ["manage_partner"]}).status_code == 302
    assert "manage_partner" in get_perms(world.manager_other, world.partner_b)
    grant = AuditEvent.objects.get(action="guardian.granted", actor=world.superuser)
    assert grant.partner_id == world.partner_b.pk
    assert grant.data["permission"] == "manage_partner"
    assert root.post(url, {"permissions": ["view_partner"]}).status_code == 302
    assert AuditEvent.objects.filter(action="guardian.revoked", actor=world.superuser).exists()


def test_it_lets_a_manager_edit_a_partner_user_of_their_partner(world, client_for):
    member = world.member_a
    response = client_for(world.manager_a).post(f"/admin/prm/user/{member.pk}/change/", user_form(member))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Renamed"
    assert AuditEvent.objects.filter(action="admin.changed", actor=world.manager_a).exists()


def test_it_hides_other_partners_users(world, client_for):
    client = client_for(world.manager_a)
    assert client.get(f"/admin/prm/user/{world.admin_b.pk}/change/").status_code == 404
    page = client.get("/admin/prm/user/").getvalue().decode()
    assert world.admin_b.email not in page
    assert world.member_a.email in page


def test_membership_cannot_add_staff_or_other_partners(world, client_for):
    client = client_for(world.manager_a)
    other = UserFactory(email="free@example.test")
    response = client.post(
        "/admin/partners/membership/add/",
        {"user": world.manager_a.pk, "partner": world.partner_b.pk, "role": "admin", "is_active": "on"},
    )
    assert response.status_code == 200  # the form refuses both choices
    assert not Membership.objects.filter(user=world.manager_a).exists()
    # A person with no membership is superuser-only (issue 21): not offered to a manager.
    response = client.post(
        "/admin/partners/membership/add/",
        {"user": other.pk, "partner": world.partner_a.pk, "role": "member", "is_active": "on"},
    )
    assert response.status_code == 200 and not Membership.objects.filter(user=other).exists()
    response = client_for(world.superuser).post(
        "/admin/partners/membership/add/",
        {"user": other.pk, "partner": world.partner_a.pk, "role": "member", "is_active": "on"},
    )
    assert response.status_code == 302
