"""prm/access/roles.py is the one place that says who may do what."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from prm.access.roles import ROLES, apply_roles, role_permissions

pytestmark = pytest.mark.django_db


def test_every_role_names_real_models():
    for role, grants in ROLES.items():
        for label in grants:
            assert apps.get_model(label), f"{role}: {label}"


def test_migrate_gives_each_group_exactly_its_map():
    for role in ROLES:
        group = Group.objects.get(name=role)
        have = {
            (p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")
        }
        assert have == role_permissions(role)


def test_it_reapplies_the_map_over_hand_edits():
    group = Group.objects.get(name="Support")
    group.permissions.clear()
    apply_roles()
    assert group.permissions.filter(codename="change_thread").exists()
    assert not group.permissions.filter(codename="view_tier").exists()


def test_support_and_managers_get_what_the_issue_says(world):
    assert world.manager_a.has_perm("incentives.change_tier")
    assert world.manager_a.has_perm("content.change_asset")
    assert world.manager_a.has_perm("onboarding.add_checklisttemplate")
    assert not world.manager_a.has_perm("auth.change_group")
    assert not world.manager_a.has_perm("prm.add_user")
    assert world.support.has_perm("threads.change_thread")
    assert world.support.has_perm("partners.view_partner")
    assert not world.support.has_perm("partners.change_partner")
    assert not world.support.has_perm("incentives.view_tier")
