"""The scoping mixin: lists, choices and autocomplete go through partners_for_staff."""

import pytest

from tests.factories import UserFactory
from tests.onboarding.factories import PlanFactory

pytestmark = pytest.mark.django_db


def autocomplete(client, app, model, field, term=""):
    return client.get(
        "/admin/autocomplete/", {"app_label": app, "model_name": model, "field_name": field, "term": term}
    ).json()["results"]


def test_changelist_shows_exactly_the_assigned_partners(world, client_for):
    page = client_for(world.manager_a).get("/admin/partners/partner/").getvalue().decode()
    assert world.SECRET_A in page and world.partner_b.name not in page
    page = client_for(world.manager_other).get("/admin/partners/partner/").getvalue().decode()
    assert world.SECRET_A not in page and world.partner_b.name not in page


def test_global_permission_means_every_partner(world, client_for):
    from guardian.shortcuts import assign_perm

    assign_perm("partners.manage_partner", world.manager_other)
    page = client_for(world.manager_other).get("/admin/partners/partner/").getvalue().decode()
    assert world.SECRET_A in page and world.partner_b.name in page


def test_autocomplete_offers_only_assigned_partners(world, client_for):
    names = {
        r["text"] for r in autocomplete(client_for(world.manager_a), "partners", "membership", "partner")
    }
    assert names == {world.SECRET_A}
    assert autocomplete(client_for(world.manager_other), "partners", "membership", "partner") == []


def test_autocomplete_of_users_hides_staff_and_other_partners(world, client_for):
    UserFactory(email="newcomer@example.test")
    results = autocomplete(client_for(world.manager_a), "partners", "membership", "user")
    emails = {r["text"] for r in results}
    ids = {int(r["id"]) for r in results}
    assert world.member_a.pk in ids and world.admin_b.pk not in ids
    assert world.superuser.pk not in ids and world.support.pk not in ids
    assert emails  # display names or e-mails, never another partner's people


def test_foreign_key_choices_are_scoped(world, client_for):
    page = client_for(world.manager_a).get("/admin/partners/referrallink/add/").getvalue().decode()
    assert world.partner_b.name not in page
    page = client_for(world.manager_a).get("/admin/incentives/statement/").getvalue().decode()
    assert world.partner_b.name not in page


def test_other_partners_plan_is_404_and_history_too(world, client_for):
    plan = PlanFactory(partner=world.partner_b)
    client = client_for(world.manager_a)
    for suffix in ("change", "history", "delete"):
        assert client.get(f"/admin/onboarding/onboardingplan/{plan.pk}/{suffix}/").status_code == 404


def test_scoped_changelists_do_not_grow_queries_with_rows(world, client_for, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    for _ in range(20):
        MembershipFactory(partner=world.partner_a)
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(16):
        assert client.get("/admin/partners/membership/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/admin/partners/partner/").status_code == 200


def test_staff_can_be_picked_as_owner_but_not_as_member(world, client_for):
    page = client_for(world.manager_a).get("/admin/onboarding/onboardingplan/add/").getvalue().decode()
    assert page.count("<option") >= 1
    results = autocomplete(client_for(world.manager_a), "partners", "membership", "user")
    assert world.manager_other.pk not in {int(r["id"]) for r in results}
