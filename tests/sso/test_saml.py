"""SAML 2.0 against a real IdP (pysaml2's, its own process): the portal's side through
Django's test client, the browser's side through requests."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.sso.fixtures import (
    MEMBER_EMAIL,
    PORTAL,
    as_another_sp,
    refused,
    saml_sign_in_at_idp,
    start_company_sign_in,
    verified_user,
)


def post_to_acs(client, action, fields):
    response = client.post(action.removeprefix(PORTAL), fields)
    assert response.status_code == 302, response.content.decode()[:1000]
    return client.get(response["Location"])  # allauth's ACS hands over to its finishing view


@pytest.mark.django_db
def test_a_partner_member_signs_in(client, world, saml_app):
    saml_app(world.partner_a)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(start_company_sign_in(client, MEMBER_EMAIL), MEMBER_EMAIL)
    response = post_to_acs(client, action, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert int(client.session["_auth_user_id"]) == world.member_a.pk


@pytest.mark.django_db
def test_a_response_for_another_audience_is_refused(client, world, saml_app):
    saml_app(world.partner_a)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(
        as_another_sp(start_company_sign_in(client, MEMBER_EMAIL)), MEMBER_EMAIL
    )
    refused(post_to_acs(client, action, fields), "wrong audience")


@pytest.mark.django_db
def test_an_expired_assertion_is_refused(client, world, saml_app):
    saml_app(world.partner_a)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(start_company_sign_in(client, MEMBER_EMAIL), MEMBER_EMAIL)
    # Presented an hour late (the IdP's assertions live five minutes; python3-saml allows
    # three minutes of clock drift).
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        refused(post_to_acs(client, action, fields), "has expired")


@pytest.mark.django_db
def test_a_replayed_response_is_refused(client, world, saml_app, settings):
    saml_app(world.partner_a)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(start_company_sign_in(client, MEMBER_EMAIL), MEMBER_EMAIL)
    assert post_to_acs(client, action, fields).status_code == 302
    attacker = Client(HTTP_HOST="localhost")
    attacker.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused(post_to_acs(attacker, action, fields), "already used")
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out forgets the language
    refused(post_to_acs(client, action, fields), "already used")


@pytest.mark.django_db
def test_a_member_of_another_partner_is_refused(client, world, saml_app):
    saml_app(world.partner_b)
    verified_user(world.member_a, MEMBER_EMAIL)
    action, fields = saml_sign_in_at_idp(start_company_sign_in(client, MEMBER_EMAIL), MEMBER_EMAIL)
    refused(post_to_acs(client, action, fields), "no portal account")
