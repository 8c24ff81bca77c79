"""The vendor side: partners (filters, lifecycle through the services), applications,
programme and campaign results, all within the partners the token's user may see."""

import pytest
from django.core import mail

from partners.models import Application, Partner
from prm.models import AuditEvent
from tests.api.helpers import client_as
from tests.api.scenarios import application
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory
from tests.promotion.factories import CampaignFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_partners_within_the_managers_scope_with_filters(world):
    PartnerFactory(name="さくらシステムズ株式会社", name_kana="サクラシステムズ", status="onboarding")
    everyone = client_as(world.superuser)
    names = {row["name"] for row in everyone.get("/api/v1/vendor/partners/?page_size=100").json()["results"]}
    assert {world.SECRET_A, "Beta Holdings", "さくらシステムズ株式会社"} <= names
    found = everyone.get("/api/v1/vendor/partners/", {"q": "さくら"}).json()["results"]
    assert [row["name"] for row in found] == ["さくらシステムズ株式会社"]
    found = everyone.get("/api/v1/vendor/partners/", {"q": "ｻｸﾗ"}).json()["results"]  # half-width kana
    assert [row["name"] for row in found] == ["さくらシステムズ株式会社"]
    assert everyone.get("/api/v1/vendor/partners/?status=nope").status_code == 400
    assigned = client_as(world.manager_a).get("/api/v1/vendor/partners/").json()["results"]
    assert [row["id"] for row in assigned] == [world.partner_a.pk]
    assert client_as(world.manager_other).get("/api/v1/vendor/partners/").json()["results"] == []
    detail = client_as(world.manager_a).get(f"/api/v1/vendor/partners/{world.partner_a.pk}/").json()
    assert {m["email"] for m in detail["members"]} == {world.admin_a.email, world.member_a.email}


def test_lifecycle_actions_go_through_the_services(world, django_capture_on_commit_callbacks):
    client = client_as(world.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/vendor/partners/{world.partner_a.pk}/suspend/", {"reason": "unpaid"})
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert AuditEvent.objects.filter(action="partner.suspended", actor=world.manager_a).exists()
    assert any(world.member_a.email in m.to for m in mail.outbox)  # members told, as from the admin
    again = client.post(f"/api/v1/vendor/partners/{world.partner_a.pk}/suspend/", {})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert client.post(f"/api/v1/vendor/partners/{world.partner_b.pk}/suspend/", {}).status_code == 404
    # The suspended partner's users: their tokens answer 403 with a clear code.
    assert client_as(world.member_a).get("/api/v1/deals/").json()["code"] == "partner_suspended"


def test_applications_approve_and_reject(world, django_capture_on_commit_callbacks):
    applied = application(company_name="Hoshizora KK")
    client = client_as(world.manager_other)  # applications are not partner data yet
    rows = client.get("/api/v1/vendor/applications/").json()["results"]
    assert [row["id"] for row in rows] == [applied.pk]
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(f"/api/v1/vendor/applications/{applied.pk}/approve/", {"note": "good fit"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    partner = Partner.objects.get(pk=approved.json()["partner_id"])
    assert partner.name == "Hoshizora KK" and partner.status == "onboarding"
    assert client.get("/api/v1/vendor/applications/").json()["results"] == []  # open ones by default
    assert len(client.get("/api/v1/vendor/applications/?status=all").json()["results"]) == 1
    other = application(company_name="Other KK")
    bad = client.post(f"/api/v1/vendor/applications/{other.pk}/reject/", {"reason": "because"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    done = client.post(f"/api/v1/vendor/applications/{other.pk}/reject/", {"reason": "region"})
    assert (
        done.json()["status"] == "rejected"
        and Application.objects.get(pk=other.pk).rejection_reason == "region"
    )


def test_campaign_results_only_count_the_managers_partners(world):
    campaign = CampaignFactory()
    for partner in (world.partner_a, world.partner_b):
        ParticipationFactory(campaign=campaign, partner=partner)
        DealFactory(partner=partner, campaign=campaign, won=True, amount=1_000_000)
    body = client_as(world.manager_a).get(f"/api/v1/vendor/campaigns/{campaign.pk}/results/").json()
    assert [row["partner"]["id"] for row in body["partners"]] == [world.partner_a.pk]
    assert body["total"]["opt_ins"] == 1 and body["total"]["won_revenue_jpy"] == 1_000_000
    assert body["currency"] == "JPY"
    full = client_as(world.superuser).get(f"/api/v1/vendor/campaigns/{campaign.pk}/results/").json()
    assert full["total"]["won_revenue_jpy"] == 2_000_000
