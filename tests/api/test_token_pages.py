"""Issuing and revoking tokens in the portal: who may, for whom, with which scopes; the
secret is shown once and only its hash is stored."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services import token_hash
from prm.models import AuditEvent
from tests.api.helpers import ApiClient

pytestmark = pytest.mark.django_db


def _create(client, url, **data):
    payload = {"name": "CRM sync", "days": 90, "scopes": ["deals:read", "deals:write"], **data}
    return client.post(url, payload)


def test_partner_admin_issues_a_token_for_a_member_shown_once(world, client_for):
    client = client_for(world.admin_a)
    page = client.get(reverse("integrations:token_create"))
    assert page.status_code == 200
    assert world.member_a.email in page.content.decode()  # "acts as" offers the partner's members
    response = _create(client, reverse("integrations:token_create"), user=world.member_a.pk)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("prm_") and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(secret) and secret not in str(token.__dict__)
    assert (
        token.user == world.member_a
        and token.partner == world.partner_a
        and token.created_by == world.admin_a
    )
    me = ApiClient(secret).get("/api/v1/me/").json()
    assert me["email"] == world.member_a.email and me["role"] == "member"
    assert me["token"]["scopes"] == ["deals:read", "deals:write"]
    created = AuditEvent.objects.get(action="api.token_created")
    assert created.actor == world.admin_a and created.data["acts_as"] == world.member_a.pk
    listing = client.get(reverse("integrations:index")).content.decode()
    assert "CRM sync" in listing and secret not in listing and token.key_prefix in listing


def test_no_token_for_another_partner_user_or_vendor_scopes(world, client_for):
    client = client_for(world.admin_a)
    url = reverse("integrations:token_create")
    response = _create(client, url, user=world.admin_b.pk)
    assert response.status_code == 200 and "user" in response.context["form"].errors
    response = _create(client, url, user=world.admin_a.pk, scopes=["partners:write"])
    assert "scopes" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_members_see_their_tokens_but_cannot_issue(world, client_for):
    client = client_for(world.member_a)
    assert client.get(reverse("integrations:token_create")).status_code == 403
    page = client.get(reverse("integrations:index"))
    assert page.status_code == 200 and "integrations:token_create" not in page.content.decode()
    assert reverse("integrations:token_create") not in page.content.decode()


def test_revoking_stops_the_token_at_once(world, client_for):
    client = client_for(world.admin_a)
    secret = _create(client, reverse("integrations:token_create"), user=world.member_a.pk).context["secret"]
    token = ApiToken.objects.get()
    assert ApiClient(secret).get("/api/v1/me/").status_code == 200
    response = client.post(reverse("integrations:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiClient(secret).get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked", actor=world.admin_a).exists()


def test_a_member_who_leaves_loses_api_access(world, client_for):
    from partners.services import membership_remove

    client = client_for(world.admin_a)
    secret = _create(client, reverse("integrations:token_create"), user=world.member_a.pk).context["secret"]
    membership_remove(membership=world.member_a.membership, actor=world.admin_a)
    me = ApiClient(secret).get("/api/v1/me/").json()
    assert me["audience"] is None and me["partner"] is None


def test_channel_manager_issues_a_vendor_token_for_themselves(world, client_for):
    client = client_for(world.manager_a)
    response = _create(
        client,
        reverse("integrations:staff_token_create"),
        user=world.manager_a.pk,
        scopes=["vendor_deals:write"],
    )
    assert response.status_code == 200
    me = ApiClient(response.context["secret"]).get("/api/v1/me/").json()
    assert me["audience"] == "vendor" and me["token"]["scopes"] == ["vendor_deals:write"]
    response = _create(client, reverse("integrations:staff_token_create"), user=world.admin_a.pk)
    assert "user" in response.context["form"].errors
