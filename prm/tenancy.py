"""The one choke point for who may see what (docs/architecture.md section 3).

Partner-facing views use `partner_required`; staff views use `staff_required`. Staff
querysets over partners go through `partners_for_staff`, which honours guardian grants
(a channel manager assigned to a partner) and the global permission (all partners).
"""

from functools import wraps
from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from guardian.shortcuts import get_objects_for_user, get_users_with_perms

from prm.ui.registry import prefetch_partner_page

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from prm.models import User

ADMIN = "admin"
MEMBER = "member"


def _models():
    """The partner and membership models (partners sits above prm, so prm names them in
    settings, the way Django names the user model: PRM_PARTNER_MODEL, PRM_MEMBERSHIP_MODEL)."""
    return apps.get_model(settings.PRM_PARTNER_MODEL), apps.get_model(settings.PRM_MEMBERSHIP_MODEL)


def partner_model():
    """The partner model, for prm code that must recognise partners (audit, admin scoping)."""
    return apps.get_model(settings.PRM_PARTNER_MODEL)


def membership_model():
    return apps.get_model(settings.PRM_MEMBERSHIP_MODEL)


def active_membership(user):
    """The user's membership at a partner allowed in the portal, or None."""
    Partner, Membership = _models()
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_prm_membership", False)
    if cached is not False:
        return cached
    membership = (
        Membership.objects.select_related("partner")
        .filter(user=user, is_active=True, partner__status__in=Partner.PORTAL_STATUSES)
        .order_by()  # one membership per user; the model's ordering would join prm_user
        .first()
    )
    user._prm_membership = membership
    return membership


def suspended_membership(user):
    """The user's membership at a suspended partner (they see the suspended page), or None."""
    Partner, Membership = _models()
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("partner")
        .filter(user=user, is_active=True, partner__status__in=Partner.SUSPENDED_STATUSES)
        .first()
    )


def suspended_page(request, membership):
    """What members of a suspended partner see instead of any portal page (data is kept)."""
    return render(
        request, "prm/partner_suspended.html", {"suspended_partner": membership.partner}, status=403
    )


def partner_required(view=None, *, role: str = MEMBER):
    """Require a verified, active membership; set request.partner and request.membership.

    No membership is a 404 (the same answer as "does not exist"); too low a role is a 403.
    """

    def decorator(view_func):
        @wraps(view_func)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = active_membership(request.user)
            if membership is None:
                suspended = suspended_membership(request.user)
                if suspended is not None:
                    return suspended_page(request, suspended)
                raise Http404
            if not membership.has_role(role):
                raise PermissionDenied
            request.partner, request.membership = membership.partner, membership
            prefetch_partner_page(membership.partner_id, request.user.pk)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


def staff_required(view=None, *, groups: tuple[str, ...] = ()):
    """Require vendor staff (optionally in one of `groups`; superusers always pass)."""

    def decorator(view_func):
        @wraps(view_func)
        @login_required
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff):
                raise PermissionDenied
            if groups and not user.is_superuser and not any(user.in_group(g) for g in groups):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


class PartnerRequiredMixin:
    """Class-based views: the same check as `partner_required`."""

    partner_role = MEMBER

    @classmethod
    def as_view(cls, **initkwargs):
        return partner_required(super().as_view(**initkwargs), role=cls.partner_role)


def partners_for_staff(user, perm: str = "partners.manage_partner"):
    """Partners a staff user may see: all with the global permission, else guardian grants.

    Support staff see every partner: they answer anyone's questions.
    """
    Partner, _membership = _models()
    if not (user.is_authenticated and user.is_staff):
        return Partner.objects.none()
    if user.is_superuser or user.is_support:
        return Partner.objects.all()
    return get_objects_for_user(user, perm, klass=Partner, accept_global_perms=True)


def managers_assigned_to(partner, *, with_group_users: bool = True) -> "QuerySet[User]":
    """Users granted `manage_partner` on this one partner (guardian object permissions,
    directly or, with `with_group_users`, through a group); superusers only by a grant."""
    users = get_users_with_perms(
        partner, only_with_perms_in=["manage_partner"], with_group_users=with_group_users
    )
    # guardian annotates its result `Any | list[str]`; without attach_perms it is a queryset.
    return cast("QuerySet[User]", users)


def get_partner_for_staff_or_404(user, **lookup):
    partner = partners_for_staff(user).filter(**lookup).first()
    if partner is None:
        raise Http404
    return partner


staff_member_required = method_decorator(staff_required, name="dispatch")
