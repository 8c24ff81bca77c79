"""Who may call what: the portal's own rules, then the token's scopes.

A partner endpoint needs an active membership at a partner in the portal (as
`prm.tenancy.partner_required`), sets `request.partner` and fetches only through
`for_partner()`; a vendor endpoint needs a channel manager (or superuser) and narrows to
`prm.tenancy.partners_for_staff()`. Then the token must carry the view's scope.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from api import scopes
from prm.tenancy import ADMIN, MEMBER, active_membership, partners_for_staff, suspended_membership


class Denied(exceptions.PermissionDenied):
    def __init__(self, message, code):
        super().__init__(detail=message, code=code)


class PartnerUser(permissions.BasePermission):
    def has_permission(self, request, view):
        membership = active_membership(request.user)
        if membership is None:
            if suspended_membership(request.user) is not None:
                raise Denied(_("Your company's access to the portal is suspended."), "partner_suspended")
            raise Denied(_("This endpoint is for partner users."), "partner_users_only")
        if not membership.has_role(getattr(view, "partner_role", MEMBER)):
            raise Denied(_("Only your company's portal administrators may do this."), "partner_admins_only")
        request.partner, request.membership = membership.partner, membership
        return True


class PartnerAdmin(PartnerUser):
    def has_permission(self, request, view):
        view.partner_role = ADMIN
        return super().has_permission(request, view)


class ChannelManager(permissions.BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_channel_manager:
            raise Denied(_("This endpoint is for channel managers."), "channel_managers_only")
        request.visible_partners = partners_for_staff(request.user)
        return True


class TokenScope(permissions.BasePermission):
    """The view's `scope_area`, read for safe methods and write otherwise."""

    def has_permission(self, request, view):
        area = getattr(view, "scope_area", None)
        if area is None:
            return True
        access = scopes.READ if request.method in permissions.SAFE_METHODS else scopes.WRITE
        if not scopes.allows(getattr(request.auth, "scopes", ()), area, access):
            raise Denied(
                _("This token does not have the scope %(scope)s.") % {"scope": scopes.scope(area, access)},
                "insufficient_scope",
            )
        return True
