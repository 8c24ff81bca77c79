"""Contributed content (issue 30 part 5): partners and staff outside the channel team send
case studies, solution briefs and implementation notes as draft assets with files; a
channel manager in scope edits and approves them with an audience, or returns them with a
comment; the contributor is credited on the asset and counted in the engagement report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content import queries, rollups, services
from content.models import Asset, AssetEvent, Contribution
from prm.models import AuditEvent, Notification
from tests.content.factories import AssetFactory, pdf_upload

pytestmark = pytest.mark.django_db


def _submit(client, **extra):
    data = {
        "kind": "case_study",
        "title": "導入事例: 東京の製造業",
        "summary": "三か月で本番稼働",
        "body": "## 背景\n\n<script>alert(1)</script>生産管理の刷新。",
        "language": "ja",
        "upload": pdf_upload("case.pdf"),
        **extra,
    }
    return client.post(reverse("content:contribution_new"), data)


def _review(client, contribution, decision, **extra):
    data = {"title": contribution.asset.title, "language": "ja", "decision": decision, **extra}
    return client.post(reverse("content:staff_contribution", args=[contribution.pk]), data)


def test_a_partner_contribution_is_returned_changed_approved_and_credited(world, client_for):
    member = client_for(world.member_a)
    response = _submit(member)
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    asset = contribution.asset
    assert (asset.status, asset.source, asset.kind, asset.author) == (
        "draft",
        "partner",
        "file",
        world.member_a,
    )
    assert asset.current_version.original_name == "case.pdf"
    assert (contribution.partner, contribution.status) == (world.partner_a, "submitted")
    # The partner's assigned manager is told; a manager of other partners is not.
    told = set(Notification.objects.filter(kind="contribution_submitted").values_list("recipient", flat=True))
    assert told == {world.manager_a.pk}
    # A draft is nobody's library item yet.
    assert member.get(reverse("content:detail", args=[asset.pk])).status_code == 404

    manager = client_for(world.manager_a)
    page = manager.get(reverse("content:staff_contribution", args=[contribution.pk])).content.decode()
    assert "導入事例" in page and "<script>alert(1)" not in page
    # Returning needs a comment that says what to change.
    assert _review(manager, contribution, "return").status_code == 400
    assert (
        _review(manager, contribution, "return", comment="顧客名の掲載許可を確認してください。").status_code
        == 302
    )
    contribution.refresh_from_db()
    assert contribution.status == "returned" and contribution.reviewed_by == world.manager_a
    returned = Notification.objects.get(kind="contribution_reviewed")
    assert returned.recipient == world.member_a and returned.params["variant"] == "returned"

    # The partner reads the comment and sends it again, changed (another member may too).
    admin = client_for(world.admin_a)
    page = admin.get(reverse("content:contribution", args=[contribution.pk])).content.decode()
    assert "顧客名の掲載許可を確認してください。" in page
    response = admin.post(
        reverse("content:contribution", args=[contribution.pk]),
        {"title": "導入事例: 製造業A社", "summary": "許可済み", "body": "掲載許可済み。", "language": "ja"},
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == "submitted" and contribution.asset.title == "導入事例: 製造業A社"
    # Once sent, it cannot be changed until the review.
    assert admin.post(reverse("content:contribution", args=[contribution.pk]), {}).status_code == 403

    # Approve: without a stage it is refused; with one, published to delivery partners.
    assert _review(manager, contribution, "approve").status_code == 400
    response = _review(
        manager,
        contribution,
        "approve",
        title="製造業A社の導入事例",
        stages=["selling"],
        partner_types=["delivery"],
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    asset = contribution.asset
    assert contribution.status == "approved"
    assert (asset.status, asset.title, asset.stages, asset.partner_types) == (
        "published",
        "製造業A社の導入事例",
        ["selling"],
        ["delivery"],
    )
    approved = Notification.objects.get(kind="contribution_reviewed", params__variant="approved")
    assert approved.recipient == world.member_a

    # Credited on the asset in the library (a public name, never the address).
    page = member.get(reverse("content:detail", args=[asset.pk])).content.decode()
    assert "asset-credit" in page and world.SECRET_A in page
    assert world.member_a.email not in page.split('data-testid="asset-credit"')[1][:200]
    assert queries.asset_credit(asset.pk).endswith(f"({world.SECRET_A})")
    # Partner B (sales) is outside the audience the manager chose.
    assert client_for(world.admin_b).get(reverse("content:detail", args=[asset.pk])).status_code == 404

    actions = list(
        AuditEvent.objects.filter(action__startswith="content.contribution").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        [
            "content.contribution_submitted",
            "content.contribution_returned",
            "content.contribution_resubmitted",
            "content.contribution_approved",
        ]
    )


def test_only_a_channel_manager_in_scope_reviews(world, client_for):
    contribution = services.contribution_submit(
        partner=world.partner_a,
        actor=world.member_a,
        kind="solution_brief",
        fields={"title": "Brief", "body": "Text", "language": "en"},
    )
    assert contribution.asset.kind == Asset.Kind.ARTICLE
    url = reverse("content:staff_contribution", args=[contribution.pk])
    assert client_for(world.manager_other).get(url).status_code == 404
    assert client_for(world.support).get(url).status_code == 404
    assert client_for(world.member_a).get(url).status_code == 403
    for actor in (world.manager_other, world.support, world.member_a):
        with pytest.raises(services.ContentError):
            services.contribution_return(contribution=contribution, actor=actor, comment="No")
    # The queue of the manager in scope lists it; the other manager's does not.
    queue = reverse("content:staff_contributions")
    assert "Brief" in client_for(world.manager_a).get(queue).content.decode()
    assert "Brief" not in client_for(world.manager_other).get(queue).content.decode()
    # A partner's user of another partner never sees it.
    assert (
        client_for(world.admin_b).get(reverse("content:contribution", args=[contribution.pk])).status_code
        == 404
    )


def test_bad_input_is_refused_with_a_message_and_nothing_is_kept(world, client_for):
    member = client_for(world.member_a)
    hostile = SimpleUploadedFile("tool.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    response = _submit(member, upload=hostile)
    assert response.status_code == 400 and response.context["form"].errors["upload"]
    response = _submit(member, upload="", body="")
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not Contribution.objects.exists() and not Asset.objects.exists()


def test_the_contributor_opens_the_file_they_sent_while_it_waits_and_after_a_return(world, client_for):
    member = client_for(world.member_a)
    _submit(member)
    contribution = Contribution.objects.get()
    url = reverse("content:contribution_file", args=[contribution.pk])
    page = member.get(reverse("content:contribution", args=[contribution.pk])).content.decode()
    assert f'href="{url}"' in page and "case.pdf" in page
    response = member.get(url)
    assert response.status_code == 200 and 'filename="case.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Sent again with a new file after a return: the new file is the one served.
    _review(client_for(world.manager_a), contribution, "return", comment="PDFを差し替えてください。")
    member.post(
        reverse("content:contribution", args=[contribution.pk]),
        {"title": "導入事例", "language": "ja", "upload": pdf_upload("case-v2.pdf")},
    )
    assert 'filename="case-v2.pdf"' in member.get(url)["Content-Disposition"]
    # The reviewer opens it from the review page; another partner's admin never does.
    review = client_for(world.manager_a).get(reverse("content:staff_contribution", args=[contribution.pk]))
    staff_url = reverse("content:staff_contribution_file", args=[contribution.pk])
    assert f'href="{staff_url}"' in review.content.decode()
    assert client_for(world.manager_a).get(staff_url).status_code == 200
    assert client_for(world.admin_b).get(url).status_code == 404


def test_staff_outside_the_channel_team_contribute_and_are_credited(world, client_for):
    support = client_for(world.support)
    response = support.post(
        reverse("content:staff_contribute"),
        {"kind": "implementation_note", "title": "Upgrade notes", "body": "Steps.", "language": "en"},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.partner is None and contribution.asset.source == Asset.Source.EMPLOYEE
    # Nobody is assigned to staff content: every channel manager is told.
    told = set(Notification.objects.filter(kind="contribution_submitted").values_list("recipient", flat=True))
    assert told == {world.manager_a.pk, world.manager_other.pk}
    assert "Upgrade notes" in support.get(reverse("content:staff_contribute")).content.decode()
    response = _review(
        client_for(world.manager_other), contribution, "approve", title="Upgrade notes", stages=["servicing"]
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert queries.asset_credit(contribution.asset_id) == world.support.public_name()
    page = (
        client_for(world.member_a)
        .get(reverse("content:detail", args=[contribution.asset_id]))
        .content.decode()
    )
    assert world.support.public_name() in page


def test_approved_contributions_count_in_the_engagement_report(world, client_for):
    asset = AssetFactory(title="Read asset")
    AssetEvent.objects.create(asset=asset, partner=world.partner_a, user=world.member_a, kind="view")
    contribution = services.contribution_submit(
        partner=world.partner_a,
        actor=world.member_a,
        kind="case_study",
        fields={"title": "Case", "body": "Text", "language": "en"},
    )
    services.contribution_approve(
        contribution=contribution,
        actor=world.manager_a,
        fields={"title": "Case"},
        audience={"stages": ["selling"]},
    )
    waiting = services.contribution_submit(
        partner=world.partner_a,
        actor=world.member_a,
        kind="case_study",
        fields={"title": "Waiting", "body": "Text", "language": "en"},
    )
    assert waiting.status == "submitted"  # not counted until approved
    url = reverse("content:staff_analytics") + "?days=30&export=partners"

    def counted():
        body = b"".join(client_for(world.manager_a).get(url).streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))[1:]
        return [row[-2] for row in rows]  # the column before the last activity

    assert counted() == ["1"]  # from the events
    rollups.analytics_refresh(now=timezone.now())
    assert counted() == ["1"]  # from the roll-up


def _queries(client, url) -> int:
    """Queries of the page once the cached menus and badges (bumped by a write) are read."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_read_the_same_queries_for_one_row_or_many(world, client_for):
    def contribute(n):
        for i in range(n):
            services.contribution_submit(
                partner=world.partner_a,
                actor=world.member_a,
                kind="case_study",
                fields={"title": f"Case {i}", "body": "Text", "language": "en"},
            )
            services.contribution_submit(
                partner=None,
                actor=world.support,
                kind="implementation_note",
                fields={"title": f"Note {i}", "body": "Text", "language": "en"},
            )

    pages = [
        (client_for(world.member_a), reverse("content:contributions")),
        (client_for(world.manager_a), reverse("content:staff_contributions")),
        (client_for(world.support), reverse("content:staff_contribute")),
    ]
    contribute(1)
    one = [_queries(client, url) for client, url in pages]
    contribute(4)
    assert [_queries(client, url) for client, url in pages] == one
    assert max(one) <= 25
