import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from partners.models import Partner
from prm.tenancy import partner_required, partners_for_staff

pytestmark = pytest.mark.django_db


@partner_required(role="admin")
def admin_view(request):
    return HttpResponse(request.partner.name)


def call(user):
    request = RequestFactory().get("/x/")
    request.user = user
    return admin_view(request)


def test_admin_passes_and_partner_is_set(world):
    assert call(world.admin_a).getvalue().decode() == world.partner_a.name


def test_member_gets_403_for_admin_pages(world):
    with pytest.raises(PermissionDenied):
        call(world.member_a)


def test_user_without_membership_gets_404(world):
    with pytest.raises(Http404):
        call(world.support)


def test_managers_see_only_assigned_partners_support_sees_all(world):
    assert list(partners_for_staff(world.manager_a)) == [world.partner_a]
    assert list(partners_for_staff(world.manager_other)) == []
    assert set(partners_for_staff(world.support)) == set(Partner.objects.all())
    assert list(partners_for_staff(world.admin_a)) == []


def test_global_permission_means_every_partner(world):
    from django.contrib.auth.models import Permission

    world.manager_other.user_permissions.add(Permission.objects.get(codename="manage_partner"))
    world.manager_other = type(world.manager_other).objects.get(pk=world.manager_other.pk)
    assert set(partners_for_staff(world.manager_other)) == {world.partner_a, world.partner_b}
