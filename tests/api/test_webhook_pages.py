"""Webhook endpoints in the portal: https only, the secret shown once and stored encrypted,
a partner admin's endpoints and deliveries belong to their partner, staff see their own."""

import pytest
from django.urls import reverse

from prm.webhooks import signing
from prm.webhooks.models import Delivery, Endpoint, Event

pytestmark = pytest.mark.django_db


def _post(client, name, **data):
    payload = {
        "url": "https://crm.example.co.jp/hooks/portal",
        "description": "CRM",
        "event_types": ["deal.approved"],
    }
    return client.post(reverse(name), {**payload, **data})


def test_partner_admin_adds_an_endpoint_and_sees_the_secret_once(world, client_for):
    client = client_for(world.admin_a)
    response = _post(client, "integrations:endpoint_create")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = Endpoint.objects.get()
    assert endpoint.partner == world.partner_a and endpoint.owner == world.admin_a
    assert secret not in endpoint.secret_encrypted and signing.decrypt(endpoint.secret_encrypted) == secret
    page = client.get(reverse("integrations:endpoint", args=[endpoint.pk])).content.decode()
    assert secret not in page and endpoint.url in page


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.co.jp/hooks",
        "javascript:alert(1)",
        "ftp://crm.example.co.jp/",
        "https://user:pw@crm.example.co.jp/",
        "https:///nohost",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_only_https_urls(world, client_for, settings, url):
    settings.PRM_WEBHOOK_ALLOW_PRIVATE = False  # production: https only
    response = _post(client_for(world.admin_a), "integrations:endpoint_create", url=url)
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not Endpoint.objects.exists()


def test_what_browsers_drop_is_dropped_before_storing(world, client_for):
    # The portal's one rule for web addresses (prm.text.weburl): a newline or a zero-width space is
    # removed, as a browser would, and the address is checked as it will be used.
    _post(
        client_for(world.admin_a),
        "integrations:endpoint_create",
        url="https://crm.example.co.jp/\nhooks\u200b",
    )
    assert Endpoint.objects.get().url == "https://crm.example.co.jp/hooks"


def test_vendor_only_events_are_not_offered_to_partners(world, client_for):
    response = _post(
        client_for(world.admin_a), "integrations:endpoint_create", event_types=["application.submitted"]
    )
    assert "event_types" in response.context["form"].errors
    response = _post(
        client_for(world.manager_a),
        "integrations:staff_endpoint_create",
        event_types=["application.submitted"],
    )
    assert response.status_code == 200 and "secret" in response.context


def test_members_have_no_webhook_pages_and_other_partners_see_nothing(world, client_for):
    _post(client_for(world.admin_a), "integrations:endpoint_create")
    endpoint = Endpoint.objects.get()
    assert (
        client_for(world.member_a).get(reverse("integrations:endpoint", args=[endpoint.pk])).status_code
        == 403
    )
    assert (
        client_for(world.admin_b).get(reverse("integrations:endpoint", args=[endpoint.pk])).status_code == 404
    )
    assert endpoint.url not in client_for(world.admin_b).get(reverse("integrations:index")).content.decode()


def test_the_delivery_log_and_sending_again(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.admin_a)
    _post(client, "integrations:endpoint_create")
    endpoint = Endpoint.objects.get()
    event = Event.objects.create(
        type="deal.approved", object_type="deal", object_id="7", partner_id=world.partner_a.pk
    )
    delivery = Delivery.objects.create(
        event=event,
        endpoint=endpoint,
        ordering_key="deal:7",
        status="failed",
        attempts=8,
        last_status_code=500,
    )
    page = client.get(reverse("integrations:endpoint", args=[endpoint.pk])).content.decode()
    assert event.public_id in page and "500" in page
    detail = client.get(reverse("integrations:delivery", args=[endpoint.pk, delivery.pk]))
    assert detail.status_code == 200
    response = client.post(reverse("integrations:delivery_redeliver", args=[endpoint.pk, delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0


def test_pause_resume_rotate_and_delete(world, client_for):
    client = client_for(world.manager_a)
    _post(client, "integrations:staff_endpoint_create")
    endpoint = Endpoint.objects.get()
    action = lambda name: client.post(reverse("integrations:staff_endpoint_action", args=[endpoint.pk, name]))  # noqa: E731
    assert action("pause").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_reason == "owner"
    assert action("resume").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active
    old = endpoint.secret_encrypted
    rotated = action("rotate")
    assert rotated.status_code == 200 and rotated.context["rotated"]
    endpoint.refresh_from_db()
    assert endpoint.secret_encrypted != old and endpoint.previous_secret_encrypted == old
    assert action("nonsense").status_code == 404
    assert action("delete").status_code == 302
    assert not Endpoint.objects.exists()
