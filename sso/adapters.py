"""allauth's adapters for single sign-on.

Linking is just in time, to an account that exists or to the invitation waiting for it: the
identity provider a domain is routed to is the authority for addresses in that domain, so an
address it asserts for that domain signs in the account with that verified address, or,
with no account yet, accepts that partner's pending invitation of the address (the
invitation's own acceptance: membership, audit) and signs the new account in. Nobody
uninvited is signed up by an identity provider, and a partner's IdP reaches only that
partner's members and invitees (the vendor's staff route: staff only, no invitation).
"""

import jwt
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from partners.adapters import InvitationAccountAdapter
from partners.queries import latest_unaccepted_invitation
from partners.services import RecruitmentError
from prm.accounts.services import name_from_identity_provider
from sso.models import SSORoute
from sso.queries import email_domain, route_for_email
from sso.services import account_from_invitation, existing_account_joins

MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class SSOAccountAdapter(InvitationAccountAdapter):
    def get_login_stages(self):
        # allauth asks for the authenticator code of a user with TOTP on every sign-in; after
        # an IdP that asserted a second factor on a route that trusts it, ours does not.
        return [
            "sso.stages.AuthenticateStage" if path == MFA_STAGE else path
            for path in super().get_login_stages()
        ]


def asserted_email(sociallogin) -> str:
    addresses = [address.email for address in sociallogin.email_addresses if address.email]
    return (addresses[0] if addresses else (sociallogin.user.email if sociallogin.user else "")).lower()


def asserted_claims(sociallogin) -> dict:
    """The claims (OIDC: the ID token over userinfo) or attributes (SAML) the IdP sent."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}
    return data


def _values(claims: dict, *names: str) -> list[str]:
    """A claim or SAML attribute as a list of strings (SAML attributes are lists already)."""
    values: list[str] = []
    for name in names:
        value = claims.get(name)
        values.extend(str(v) for v in (value if isinstance(value, list) else [value] if value else []))
    return values


NAME_CLAIMS = (
    "name",  # OIDC
    "displayName",  # SAML, LDAP-style attribute names
    "urn:oid:2.16.840.1.113730.3.1.241",  # displayName's OID
    "http://schemas.microsoft.com/identity/claims/displayname",  # Entra ID
)
FAMILY_NAME_CLAIMS = ("family_name", "sn", "urn:oid:2.5.4.4")
GIVEN_NAME_CLAIMS = ("given_name", "givenName", "urn:oid:2.5.4.42")


def asserted_name(claims: dict) -> str:
    """The person's name as the IdP asserts it: a display name, else family and given name
    (in the Japanese order, as the portal writes names)."""
    for name in NAME_CLAIMS:
        if values := _values(claims, name):
            return values[0]
    family, given = _values(claims, *FAMILY_NAME_CLAIMS)[:1], _values(claims, *GIVEN_NAME_CLAIMS)[:1]
    return " ".join(family + given)


AMR_NAMES = ("amr", "http://schemas.microsoft.com/claims/authnmethodsreferences")
ACR_NAMES = ("acr", "http://schemas.microsoft.com/claims/authnclassreference")


def route_asserts_mfa(route: SSORoute, claims: dict) -> bool:
    # OIDC says ["pwd", "mfa"]; Entra ID's SAML attribute says ".../claims/multipleauthn".
    amr = ["mfa" if value.endswith("/multipleauthn") else value for value in _values(claims, *AMR_NAMES)]
    return route.asserts_mfa(amr=amr, acr=_values(claims, *ACR_NAMES))


def _unverified(claims: dict) -> bool:
    """An IdP that says outright that the address is not verified (absent: the IdP routed
    for the domain is its authority)."""
    return any(value.lower() in ("false", "0") for value in _values(claims, "email_verified"))


def refusal_message(*, error=None, exception=None, reason: str = "") -> str:
    """What went wrong, in words the person can act on (allauth's own page says only that
    something failed). `reason` is python3-saml's last error, `exception` the OIDC one."""
    reason = reason.lower()
    # allauth wraps a rejected ID token in OAuth2Error("Invalid id_token") from PyJWT's error.
    exception = exception.__cause__ if isinstance(exception, Exception) and exception.__cause__ else exception
    if isinstance(exception, jwt.InvalidAudienceError) or "audience" in reason:
        return _(
            "The identity provider's answer was issued for another application (wrong audience), "
            "so it was refused. Ask your administrator to check the portal's settings at the "
            "identity provider."
        )
    if isinstance(exception, jwt.ExpiredSignatureError) or "expired" in reason or "notonorafter" in reason:
        return _("The identity provider's answer has expired, so it was refused. Please sign in again.")
    if isinstance(exception, PermissionDenied) or "in_response_to" in reason or "inresponseto" in reason:
        return _(
            "This sign-in answer was already used, or the sign-in was not started in this browser, "
            "so it was refused. Please start again from the sign-in page."
        )
    if "deprecated" in reason:
        return _(
            "The identity provider signed its answer with an outdated algorithm (SHA-1), so it "
            "was refused. Ask your administrator to sign with SHA-256."
        )
    if error == AuthError.CANCELLED:
        return _("Sign-in at your identity provider was cancelled.")
    return _(
        "Sign-in at your identity provider failed. Please start again from the sign-in page; "
        "if it keeps failing, ask your administrator."
    )


def refuse(request, message: str):
    return ImmediateHttpResponse(render(request, "sso/refused.html", {"message": message}, status=403))


def _may_sign_in(route: SSORoute, user) -> bool:
    if not user.is_active:
        return False
    if route.partner_id is None:
        return user.is_staff
    membership = getattr(user, "membership", None)
    return membership is not None and membership.is_active and membership.partner_id == route.partner_id


def _no_account_message(email: str) -> str:
    return _(
        "There is no portal account for %(email)s that may sign in here. Ask your "
        "administrator or your channel manager for an invitation."
    ) % {"email": email}


def _invited_account(request, route: SSORoute, email: str):
    """No account yet: the account of the route's partner's pending invitation of this
    address, made now. Refused when that invitation expired or was revoked; no invitation
    of this partner (another partner's does not count) is no account."""
    invitation = latest_unaccepted_invitation(partner_id=route.partner_id, email=email)
    if invitation is None:
        raise refuse(request, _no_account_message(email))
    if invitation.state != "pending":
        raise refuse(
            request,
            _(
                "Your invitation to %(partner)s has expired or was withdrawn. Ask your "
                "administrator or your channel manager for a new one."
            )
            % {"partner": invitation.partner},
        )
    try:
        return account_from_invitation(invitation=invitation, email=email)
    except RecruitmentError:
        raise refuse(request, _no_account_message(email)) from None


def _join_pending_invitation(route: SSORoute, user, email: str) -> None:
    """An account that belongs to no partner now (never did, or its membership was ended)
    joins the route's partner when that partner's invitation of this address is pending;
    otherwise nothing changes, and the sign-in is refused as for any account without an
    active membership there."""
    membership = getattr(user, "membership", None)
    if membership is not None and membership.is_active:
        return
    invitation = latest_unaccepted_invitation(partner_id=route.partner_id, email=email)
    if invitation is None or invitation.state != "pending":
        return
    try:
        existing_account_joins(invitation=invitation, user=user)
    except RecruitmentError:
        return
    user.refresh_from_db()


class SSOSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        extra_context = extra_context or {}
        reason = str(extra_context.get("saml_last_error_reason") or "")
        if "state_id" in extra_context:  # OIDC: no sign-in of this browser waits for this answer
            exception = PermissionDenied()
        raise refuse(request, refusal_message(error=error, exception=exception, reason=reason))

    def authenticate_by_email(self, sociallogin):
        email = asserted_email(sociallogin)
        route = route_for_email(email)
        if route is None or route.app_id != sociallogin.provider.app.pk:
            return None
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        return (address.user, address.email) if address else None

    def pre_social_login(self, request, sociallogin):
        email = asserted_email(sociallogin)
        claims = asserted_claims(sociallogin)
        route = route_for_email(email)
        if not email or _unverified(claims):
            raise refuse(request, _("Your identity provider did not confirm your e-mail address."))
        if route is None or route.app_id != sociallogin.provider.app.pk:
            raise refuse(
                request,
                _("This identity provider is not the one set up for @%(domain)s.")
                % {"domain": email_domain(email)},
            )
        if (sociallogin.user is None or sociallogin.user.pk is None) and route.partner_id is not None:
            sociallogin.connect(request, _invited_account(request, route, email))
        elif route.partner_id is not None:
            _join_pending_invitation(route, sociallogin.user, email)
        if (
            sociallogin.user is None
            or sociallogin.user.pk is None
            or not _may_sign_in(route, sociallogin.user)
        ):
            raise refuse(request, _no_account_message(email))
        name_from_identity_provider(user=sociallogin.user, name=asserted_name(claims))
        sociallogin.state["sso_mfa"] = route_asserts_mfa(route, claims)
