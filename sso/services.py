"""Writes for single sign-on: the account of a person invited to a partner, made the first
time the partner's identity provider vouches for the invited address."""

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
