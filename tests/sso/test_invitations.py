"""A person invited to a partner, without an account yet, signs in through that partner's
identity provider: the invitation is accepted (the partners app's own acceptance), the
account made with its address verified, the IdP linked. Against the real IdPs, OIDC and
SAML; the refusals through OIDC (the adapter's decision is the same for both)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from partners.models import Membership
from prm.models import AuditEvent, User
from tests.partners.factories import InvitationFactory
from tests.sso.fixtures import (
    PORTAL,
    STRANGER_EMAIL,
    refused,
    saml_sign_in_at_idp,
    sign_in_at_idp,
    start_company_sign_in,
)
from tests.sso.test_saml import post_to_acs


def oidc_sign_in(client, email=STRANGER_EMAIL):
    callback = sign_in_at_idp(start_company_sign_in(client, email), email, PORTAL)
    return client.get(callback.removeprefix(PORTAL))


def invite(partner, *, manager, **fields):
    return InvitationFactory(
        partner=partner, email=STRANGER_EMAIL, invited_by=manager, language="en", **fields
    )


def assert_joined(client, invitation):
    user = User.objects.get(email=STRANGER_EMAIL)
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by == user
    membership = Membership.objects.get(user=user)
    assert (membership.partner, membership.role, membership.is_active) == (
        invitation.partner,
        invitation.role,
        True,
    )
    assert EmailAddress.objects.get(user=user).verified
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="invitation.accepted", target_id=str(invitation.pk)).count() == 1
    assert AuditEvent.objects.filter(action="sso.linked", target_id=str(user.pk)).count() == 1
    return user


@pytest.mark.django_db
def test_oidc_accepts_a_pending_invitation_and_a_second_sign_in_just_links(client, world, oidc_app, settings):
    oidc_app(domain="partner-a.example", partner=world.partner_a, trust_mfa=False)
    invitation = invite(world.partner_a, manager=world.admin_a, role=Membership.Role.ADMIN)
    response = oidc_sign_in(client)
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = assert_joined(client, invitation)
    assert SocialAccount.objects.get(user=user).provider == "vendor-idp"
    assert user.display_name == ""  # this IdP's "name" is the address: no name is better

    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out forgets the language
    response = oidc_sign_in(client)
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk
    assert User.objects.filter(email=STRANGER_EMAIL).count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert_joined(client, invitation)  # still one acceptance, one link


@pytest.mark.django_db
def test_saml_accepts_a_pending_invitation(client, world, saml_app):
    saml_app(world.partner_a)
    invitation = invite(world.partner_a, manager=world.admin_a)
    action, fields = saml_sign_in_at_idp(start_company_sign_in(client, STRANGER_EMAIL), STRANGER_EMAIL)
    response = post_to_acs(client, action, fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = assert_joined(client, invitation)
    assert SocialAccount.objects.get(user=user).provider == "saml-partner-a"
    assert user.display_name == "Stranger"  # the IdP's displayName: the new account's name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"expires_at": timezone.now() - timedelta(days=1)}, "has expired or was withdrawn"),
        ({"revoked_at": timezone.now()}, "has expired or was withdrawn"),
        ("other partner", f"There is no portal account for {STRANGER_EMAIL}"),
    ],
    ids=["expired", "revoked", "other-partner"],
)
def test_an_expired_revoked_or_other_partners_invitation_is_refused(client, world, oidc_app, state, words):
    oidc_app(domain="partner-a.example", partner=world.partner_a)
    if state == "other partner":
        invitation = invite(world.partner_b, manager=world.admin_b)
    else:
        invitation = invite(world.partner_a, manager=world.admin_a, **state)
    refused(oidc_sign_in(client), words)
    assert not User.objects.filter(email=STRANGER_EMAIL).exists()
    assert not SocialAccount.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_the_staff_route_takes_no_invitation(client, world, oidc_app):
    """A route bound to no partner is staff only: a pending invitation does not open it."""
    oidc_app(domain="partner-a.example", partner=None)
    invite(world.partner_a, manager=world.admin_a)
    refused(oidc_sign_in(client), f"There is no portal account for {STRANGER_EMAIL}")
    assert not User.objects.filter(email=STRANGER_EMAIL).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("before", ["no membership", "membership ended"])
def test_an_existing_account_without_a_partner_joins_through_its_pending_invitation(
    client, world, oidc_app, before
):
    oidc_app(domain="partner-a.example", partner=world.partner_a, trust_mfa=False)
    user = User.objects.create_user(email=STRANGER_EMAIL, password="an-old-password-1")
    EmailAddress.objects.create(user=user, email=STRANGER_EMAIL, verified=True, primary=True)
    if before == "membership ended":
        Membership.objects.create(user=user, partner=world.partner_a, is_active=False)
    invitation = invite(world.partner_a, manager=world.admin_a, role=Membership.Role.ADMIN)

    response = oidc_sign_in(client)

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by == user
    membership = Membership.objects.get(user=user)
    assert (membership.partner, membership.role, membership.is_active) == (
        world.partner_a,
        Membership.Role.ADMIN,
        True,
    )
    assert User.objects.filter(email=STRANGER_EMAIL).count() == 1


@pytest.mark.django_db
def test_an_existing_account_without_an_invitation_is_still_refused(client, world, oidc_app):
    oidc_app(domain="partner-a.example", partner=world.partner_a, trust_mfa=False)
    user = User.objects.create_user(email=STRANGER_EMAIL, password="an-old-password-1")
    EmailAddress.objects.create(user=user, email=STRANGER_EMAIL, verified=True, primary=True)
    refused(oidc_sign_in(client), "no portal account")
    assert not Membership.objects.filter(user=user).exists()
