"""After a sign-in, the session remembers whether an identity provider asserted the second
factor (prm.access.middleware's staff two-factor requirement reads it); a password sign-in
in the same browser forgets it."""

from allauth.account.signals import user_logged_in
from allauth.socialaccount.signals import social_account_added
from django.dispatch import receiver

from prm.access.middleware import IDP_MFA_SESSION_KEY
from prm.audit.log import audit
from prm.tenancy import active_membership


def idp_asserted_mfa(signal_kwargs: dict | None) -> bool:
    sociallogin = (signal_kwargs or {}).get("sociallogin")
    return bool(sociallogin is not None and sociallogin.state.get("sso_mfa"))


@receiver(user_logged_in)
def remember_idp_mfa(sender, request, user, **kwargs):
    if idp_asserted_mfa(kwargs):
        request.session[IDP_MFA_SESSION_KEY] = True
    else:
        request.session.pop(IDP_MFA_SESSION_KEY, None)


@receiver(social_account_added)
def audit_link(sender, request, sociallogin, **kwargs):
    """The first sign-in through an IdP links it to the account (allauth saves the user row
    with it): audited, and the person's cached pages read again."""
    user = sociallogin.user
    membership = active_membership(user)
    audit(
        actor=user,
        action="sso.linked",
        target=user,
        partner=membership.partner_id if membership else None,
        identity_provider=sociallogin.provider.app.name,
        uid=sociallogin.account.uid[:200],
    )
