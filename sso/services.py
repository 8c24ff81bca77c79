"""Writes for single sign-on: a person invited to a partner joins it the first time the
partner's identity provider vouches for the invited address: a new account, or the
person's existing account that belongs to no partner."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Invitation
from partners.services import RecruitmentError, invitation_accept_verified
from prm.models import User


@transaction.atomic
def account_from_invitation(*, invitation: Invitation, email: str) -> User:
    """A new account for the invited address, its e-mail verified (the IdP routed for the
    domain is its authority), joined to the partner through the invitation's own acceptance
    (claim, membership, language, audit). No password: the person signs in through the IdP
    (or sets one with "forgot password")."""
    if User.objects.filter(email__iexact=email).exists():  # made meanwhile: sign in to it instead
        raise RecruitmentError(_("There is already an account for %(email)s.") % {"email": email})
    user = User.objects.create_user(email=email.lower(), password=None)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation_accept_verified(invitation=invitation, user=user)
    return user


def existing_account_joins(*, invitation: Invitation, user: User) -> None:
    """An existing account that belongs to no partner (a former member's, say) joins through
    the invitation's own acceptance (claim, membership, audit), as the e-mailed link would
    after signing in; its address is now verified by the IdP routed for the domain."""
    invitation_accept_verified(invitation=invitation, user=user)
    EmailAddress.objects.filter(user=user, email__iexact=invitation.email).update(verified=True)
