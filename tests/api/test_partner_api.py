"""The partner side beyond deals: tier and scorecard, statements, certifications, the
content library with expiring download links, questions and onboarding."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from content.models import AssetEvent
from onboarding.models import TaskKind, TaskSubmission
from tests.api.helpers import ApiClient, client_as
from tests.api.tenancy_rows import asset_a, asset_file_a
from tests.incentives.factories import DealFactory, make_tiers
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.threads.factories import make_thread
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db


def test_tier_and_scorecard_figures(world):
    from incentives import services

    make_tiers()
    DealFactory(partner=world.partner_a, won=True, amount=6_000_000)
    DealFactory(partner=world.partner_a, won=True, amount=1_000_000)
    services.tiers_recompute()
    body = client_as(world.member_a).get("/api/v1/tier/").json()
    assert body["partner_id"] == world.partner_a.pk and body["currency"] == "JPY"
    assert body["metrics"]["won_revenue_jpy"] == 7_000_000 and body["metrics"]["won_deals"] == 2
    assert body["tier"]["name_en"] == "Registered" and body["next_tier"]["name_en"] == "Silver"
    gap = {row["metric"]: row for row in body["gap"]}
    assert gap["won_revenue_jpy"]["met"] is True and gap["certified_people"]["met"] is False
    changes = client_as(world.member_a).get("/api/v1/tier/changes/").json()["results"]
    assert [c["kind"] for c in changes] == ["initial"]


def test_statements_for_admins_with_their_lines(world):
    from tests.api.tenancy_rows import statement_a

    pk = statement_a(world)["pk"]
    admin = client_as(world.admin_a)
    listing = admin.get("/api/v1/statements/").json()["results"]
    assert [row["id"] for row in listing] == [pk] and isinstance(listing[0]["total_jpy"], int)
    detail = admin.get(f"/api/v1/statements/{pk}/").json()
    assert detail["lines"] and sum(line["amount_jpy"] for line in detail["lines"]) == detail["total_jpy"]
    member = client_as(world.member_a).get("/api/v1/statements/")
    assert member.status_code == 403 and member.json()["code"] == "partner_admins_only"
    assert client_as(world.admin_b).get(f"/api/v1/statements/{pk}/").status_code == 404


def test_certifications_of_our_members(world):
    award = UserCertificationFactory(partner=world.partner_a, user=world.member_a)
    UserCertificationFactory(partner=world.partner_b, user=world.admin_b)
    rows = client_as(world.admin_a).get("/api/v1/certifications/").json()["results"]
    assert [row["id"] for row in rows] == [award.pk]
    assert rows[0]["person"]["id"] == world.member_a.pk and rows[0]["valid"] is True
    assert rows[0]["verification_url"].endswith(f"/{award.code}/")


def test_content_follows_the_audience_rules(world):
    mine = asset_a(world)
    listing = client_as(world.member_a).get("/api/v1/content/").json()["results"]
    assert [row["id"] for row in listing] == [mine.pk]
    assert client_as(world.admin_b).get("/api/v1/content/").json()["results"] == []
    assert client_as(world.admin_b).get(f"/api/v1/content/{mine.pk}/").status_code == 404
    detail = client_as(world.member_a).get(f"/api/v1/content/{mine.pk}/").json()
    assert detail["body"] == "Only for A"
    assert client_as(world.member_a).get("/api/v1/content/?kind=nonsense").status_code == 400


def test_download_links_expire_and_check_again(world):
    asset = asset_file_a(world)
    client = client_as(world.member_a)
    link = client.get(f"/api/v1/content/{asset.pk}/download-link/").json()
    path = link["url"].split("://", 1)[1].split("/", 1)[1]
    response = ApiClient().get("/" + path)  # no token: the link is the credential
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AssetEvent.objects.filter(asset=asset, kind=AssetEvent.Kind.DOWNLOAD, user=world.member_a).exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert ApiClient().get("/" + path).status_code == 404  # expired
    assert ApiClient().get("/" + path[:-3] + "abc/").status_code == 404  # tampered
    world.member_a.membership.is_active = False
    world.member_a.membership.save()
    assert ApiClient().get("/" + path).status_code == 404  # the member left


def test_questions_ask_reply_and_never_show_internal_notes(world):
    from threads import services

    client = client_as(world.member_a)
    asked = client.post("/api/v1/questions/", {"subject": "How?", "category": "deals", "body": "Tell me"})
    assert asked.status_code == 201
    pk = asked.json()["id"]
    thread = services.Thread.objects.get(pk=pk)
    services.note_add(thread=thread, author=world.support, body="INTERNAL: partner is slow to pay")
    services.staff_reply(thread=thread, author=world.support, body="Like this")
    reply = client.post(f"/api/v1/questions/{pk}/reply/", {"body": "Thanks!"})
    assert reply.status_code == 201 and reply.json()["author"]["id"] == world.member_a.pk
    detail = client.get(f"/api/v1/questions/{pk}/").json()
    assert [m["body"] for m in detail["messages"]] == ["Tell me", "Like this", "Thanks!"]
    assert "INTERNAL" not in str(detail)
    empty = client.post(f"/api/v1/questions/{pk}/reply/", {"body": "   "})
    assert empty.status_code == 400
    other = make_thread(world.partner_b, world.admin_b)
    assert client.post(f"/api/v1/questions/{other.pk}/reply/", {"body": "x"}).status_code == 404


def test_onboarding_plan_and_document_tasks(world):
    plan = PlanFactory(partner=world.partner_a, started_on=date.today() - timedelta(days=10))
    upload = TaskFactory(plan=plan, kind=TaskKind.UPLOAD, title="Company registration")
    signoff = TaskFactory(plan=plan, kind=TaskKind.SIGNOFF)
    client = client_as(world.member_a)
    body = client.get("/api/v1/onboarding/").json()
    tasks = {t["id"]: t for t in body["tasks"]}
    assert body["progress"] == {"total": 2, "done": 0, "overdue": 0}
    assert tasks[upload.pk]["accepts_document"] is True and tasks[signoff.pk]["accepts_document"] is False
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    sent = client.post(
        f"/api/v1/onboarding/tasks/{upload.pk}/submissions/",
        {"file": pdf, "note": "attached"},
        content_type=MULTIPART_CONTENT,
    )
    assert sent.status_code == 201, sent.content
    assert TaskSubmission.objects.get().submitted_by == world.member_a
    again = client.post(
        f"/api/v1/onboarding/tasks/{upload.pk}/submissions/",
        {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        content_type=MULTIPART_CONTENT,
    )
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    evil = client.post(
        f"/api/v1/onboarding/tasks/{signoff.pk}/submissions/",
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/octet-stream")},
        content_type=MULTIPART_CONTENT,
    )
    assert evil.status_code == 400 and evil.json()["errors"][0]["field"] == "file"
    assert client_as(world.admin_b).get("/api/v1/onboarding/").json()["code"] == "no_plan"
