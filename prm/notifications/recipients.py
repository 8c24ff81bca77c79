"""Who may receive a mail about a partner: its current members, and staff who may see it.

A person who left the partner (membership deactivated or removed, account disabled) gets
nothing more about it; staff get mails only about partners they are assigned to (or all,
for support/superusers/global permission), the same rule as the staff pages.
"""

from guardian.shortcuts import get_users_with_perms

from prm.models import CHANNEL_MANAGERS
from prm.tenancy import membership_model, partners_for_staff


def is_current_member(user, partner_id) -> bool:
    Membership = membership_model()
    if user is None or not user.is_active:
        return False
    return Membership.objects.filter(user=user, partner_id=partner_id, is_active=True).exists()


def staff_may_see(user, partner) -> bool:
    if user is None or not user.is_active or not user.is_staff:
        return False
    return partners_for_staff(user).filter(pk=partner.pk).exists()


def may_receive(user, partner) -> bool:
    return is_current_member(user, partner.pk) or staff_may_see(user, partner)


def assigned_managers(partner):
    """Active channel managers assigned to the partner (guardian object permission only)."""
    users = get_users_with_perms(
        partner, only_with_perms_in=["manage_partner"], with_group_users=False, with_superusers=False
    )
    return users.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS).distinct()
