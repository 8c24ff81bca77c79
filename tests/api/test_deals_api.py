"""Deals through the API: the portal's service, forms and review rules; errors a client can
act on; idempotent creates; cursor pages and updated_since; reviewers' view."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from api.models import ApiToken
from incentives.models import Deal
from prm.models import AuditEvent
from tests.api.helpers import ApiClient, client_as, make_token
from tests.incentives.factories import DealFactory, ProductFactory, make_tiers

pytestmark = pytest.mark.django_db


def payload(**overrides):
    return {
        "customer_company": "Kiyomizu Trading KK",
        "customer_domain": "www.kiyomizu.example.jp",
        "contact_name": "清水 花子",
        "product": ProductFactory().pk,
        "amount": "2000000",
        "currency": "JPY",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "contact_source": "meeting",
        "contact_consent": True,
        **overrides,
    }


def test_registering_uses_the_portal_service(world, django_capture_on_commit_callbacks):
    make_tiers()
    client = client_as(world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/deals/", payload())
    assert response.status_code == 201, response.content
    body = response.json()
    deal = Deal.objects.get(pk=body["id"])
    assert deal.partner == world.partner_a and deal.registered_by == world.member_a
    assert body["status"] == "submitted" and body["stage"] == "qualifying"
    assert body["customer_domain"] == "kiyomizu.example.jp"  # normalised as in the portal
    assert body["amount_jpy"] == 2_000_000 and isinstance(body["amount_jpy"], int)
    assert body["customer_company_reading"]  # suggested as in the portal
    audited = AuditEvent.objects.get(action="deal.registered")
    token = ApiToken.objects.get(user=world.member_a)
    assert audited.actor == world.member_a and audited.data["via"] == {"api_token": token.key_prefix}
    assert mail.outbox  # the reviewers were told, as after the portal's form


def test_another_partners_protected_customer_is_for_the_reviewer_only(world):
    DealFactory(
        partner=world.partner_b,
        approved=True,
        customer_company="Kiyomizu Trading KK",
        customer_domain="kiyomizu.example.jp",
    )
    response = client_as(world.member_a).post("/api/v1/deals/", payload())
    assert response.status_code == 201
    body = response.json()
    assert "possible_conflict" not in body and "conflict" not in str(body).lower()
    assert Deal.objects.get(pk=body["id"]).has_conflict
    vendor = client_as(world.superuser).get(f"/api/v1/vendor/deals/{body['id']}/").json()
    assert vendor["possible_conflict"] is True and len(vendor["conflicting_deal_ids"]) == 1
    # A manager assigned to partner A only does not learn partner B's registration id.
    assigned = client_as(world.manager_a).get(f"/api/v1/vendor/deals/{body['id']}/").json()
    assert assigned["possible_conflict"] is True and assigned["conflicting_deal_ids"] == []


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"customer_company": ""}, "customer_company", "blank"),
        ({"amount": "0"}, "amount", "invalid"),
        ({"expected_close_date": "2001-01-01"}, "expected_close_date", "invalid"),
        ({"customer_domain": "not a domain"}, "customer_domain", "invalid"),
        ({"product": 999999}, "product", "invalid_choice"),
        ({"currency": "XXX"}, "currency", "invalid_choice"),
    ],
)
def test_bad_input_is_a_400_per_field(world, change, field, code):
    response = client_as(world.member_a).post("/api/v1/deals/", payload(**change))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["code"] == code and body["errors"][0]["message"]
    assert not Deal.objects.exists()


def test_errors_in_the_language_asked_for(world):
    token = make_token(world.member_a)
    ja = (
        ApiClient(token, language="ja")
        .post("/api/v1/deals/", payload(expected_close_date="2001-01-01"))
        .json()
    )
    en = (
        ApiClient(token, language="en")
        .post("/api/v1/deals/", payload(expected_close_date="2001-01-01"))
        .json()
    )
    assert en["errors"][0]["message"] == "The expected close date cannot be in the past."
    assert ja["errors"][0]["message"] != en["errors"][0]["message"]


def test_a_duplicate_is_a_409_naming_the_existing_registration(world):
    client = client_as(world.member_a)
    first = client.post("/api/v1/deals/", payload()).json()
    product = first["product"]["id"]
    again = client.post(
        "/api/v1/deals/", payload(product=product, customer_company="KIYOMIZU TRADING 株式会社")
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_registration"
    assert again.json()["details"] == {"existing_deal_id": first["id"]}
    forced = client.post("/api/v1/deals/?allow_duplicate=true", payload(product=product))
    assert forced.status_code == 201
    assert Deal.objects.count() == 2


def test_a_retried_post_with_an_idempotency_key_registers_once(world):
    client = client_as(world.member_a)
    data = payload()
    headers = {"Idempotency-Key": "crm-opportunity-0061X00000ABCDE"}
    first = client.post("/api/v1/deals/", data, headers=headers)
    second = client.post("/api/v1/deals/", data, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Deal.objects.count() == 1
    other = client.post("/api/v1/deals/", {**data, "amount": "5"}, headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # The key belongs to the token's user: another user may use the same string.
    assert (
        client_as(world.admin_a).post("/api/v1/deals/?allow_duplicate=1", data, headers=headers).status_code
        == 201
    )


def test_updating_and_closing_follow_the_review_rules(world):
    client = client_as(world.member_a)
    deal = DealFactory(partner=world.partner_a, approved=True)
    response = client.patch(f"/api/v1/deals/{deal.pk}/", {"stage": "proposal", "notes": "met the CIO"})
    assert response.status_code == 200 and response.json()["stage"] == "proposal"
    assert response.json()["status"] == "approved"
    # A new amount on an approved registration sends it back to review.
    response = client.patch(f"/api/v1/deals/{deal.pk}/", {"amount": "3000000"})
    assert response.json()["status"] == "submitted"
    assert (
        client.post(f"/api/v1/deals/{deal.pk}/close/", {"outcome": "won"}).json()["code"]
        == "deal_not_closable"
    )
    closed = DealFactory(partner=world.partner_a, approved=True)
    lost = client.post(f"/api/v1/deals/{closed.pk}/close/", {"outcome": "lost"})
    assert lost.status_code == 400 and lost.json()["errors"][0]["field"] == "reason"
    lost = client.post(f"/api/v1/deals/{closed.pk}/close/", {"outcome": "lost", "reason": "budget"})
    assert lost.status_code == 200 and lost.json()["stage"] == "lost" and lost.json()["editable"] is False
    again = client.patch(f"/api/v1/deals/{closed.pk}/", {"notes": "x"})
    assert again.status_code == 409 and again.json()["code"] == "deal_not_editable"
    assert client.patch(f"/api/v1/deals/{closed.pk}/", {"stage": "won"}).status_code == 400


def test_a_win_above_the_approved_amount_counts_nothing_until_reviewed(
    world, django_capture_on_commit_callbacks
):
    # Money is counted only after review: the API reports the claimed amount, what a reviewer
    # approved and the counted figure apart, and closes through the same service as the portal.
    make_tiers()
    deal = DealFactory(partner=world.partner_a, approved=True, amount=1_000_000, amount_jpy=1_000_000)
    partner = client_as(world.member_a)
    body = partner.get(f"/api/v1/deals/{deal.pk}/").json()
    assert (body["approved_amount_jpy"], body["counted_amount_jpy"]) == (1_000_000, None)
    with django_capture_on_commit_callbacks(execute=True):
        won = partner.post(f"/api/v1/deals/{deal.pk}/close/", {"outcome": "won", "amount": "2500000"})
    body = won.json()
    assert won.status_code == 200 and body["stage"] == "won" and body["status"] == "submitted"
    assert body["amount_jpy"] == 2_500_000 and body["approved_amount_jpy"] == 1_000_000
    assert body["counted_amount_jpy"] is None
    refused = partner.post(
        f"/api/v1/deals/{DealFactory(partner=world.partner_a, approved=True).pk}/close/",
        {"outcome": "won", "amount": "999999999999"},
    )
    assert refused.status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        rejected = client_as(world.manager_a).post(
            f"/api/v1/vendor/deals/{deal.pk}/reject/", {"reason": "the contract says 1,000,000"}
        )
    body = rejected.json()
    assert rejected.status_code == 200 and body["status"] == "approved"
    assert (body["amount_jpy"], body["counted_amount_jpy"]) == (1_000_000, 1_000_000)


def test_a_read_only_token_cannot_write(world):
    client = client_as(world.member_a, scopes=["deals:read"])
    assert client.get("/api/v1/deals/").status_code == 200
    response = client.post("/api/v1/deals/", payload())
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    other = client_as(world.member_a, scopes=["content:read"]).get("/api/v1/deals/")
    assert other.status_code == 403


def test_cursor_pages_and_updated_since(world, django_assert_max_num_queries):
    deals = [DealFactory(partner=world.partner_a) for _ in range(23)]
    DealFactory(partner=world.partner_b)
    client = client_as(world.member_a)
    seen, url = [], "/api/v1/deals/?page_size=10"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted((d.pk for d in deals), reverse=True)  # newest first, each once
    since = timezone.now()
    Deal.objects.filter(pk__in=[deals[3].pk, deals[7].pk]).update(updated_at=since + timedelta(seconds=1))
    changed = client.get("/api/v1/deals/", {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in changed] == [deals[3].pk, deals[7].pk]  # oldest change first
    bad = client.get("/api/v1/deals/?updated_since=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "updated_since"
    assert client.get("/api/v1/deals/?cursor=garbage").status_code == 400
    assert client.get("/api/v1/deals/?page_size=1000").status_code == 400


def test_query_count_is_flat_in_the_page_size(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(60):
        DealFactory(partner=world.partner_a, registered_by=world.member_a)
    client = client_as(world.member_a)
    client.get("/api/v1/deals/?page_size=5")  # the token's use is recorded once a minute: not in the count
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/api/v1/deals/?page_size={size}").json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 4, counts
    vendor = client_as(world.superuser)
    vendor.get("/api/v1/vendor/deals/?page_size=5")
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            vendor.get(f"/api/v1/vendor/deals/?page_size={size}")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_reviewers_approve_and_reject(world, django_capture_on_commit_callbacks):
    make_tiers()
    deal = DealFactory(partner=world.partner_a)
    client = client_as(world.manager_a)
    rejected = client.post(f"/api/v1/vendor/deals/{deal.pk}/reject/", {"reason": ""})
    assert rejected.status_code == 400 and rejected.json()["errors"][0]["field"] == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(f"/api/v1/vendor/deals/{deal.pk}/approve/", {"reason": "fine"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["protected_until"]
    again = client.post(f"/api/v1/vendor/deals/{deal.pk}/reject/", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "deal_not_in_review"
    other = DealFactory(partner=world.partner_b)
    assert client.post(f"/api/v1/vendor/deals/{other.pk}/approve/", {}).status_code == 404
    assert client_as(world.support).get("/api/v1/vendor/deals/").json()["code"] == "channel_managers_only"
