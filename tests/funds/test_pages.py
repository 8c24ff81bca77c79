"""The MDF pages as people use them: a partner admin requests, a manager decides, the
partner claims with files (hostile names and contents too), the manager approves part of it;
e-mails in each recipient's language, the CSV, reminders once, query counts that stay flat."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funds import emails, queries
from funds.models import Claim, ClaimFile, Fund, FundRequest
from funds.periods import period_of
from prm.models import Notification
from prm.ui.registry import BlockQuery
from tests.funds.factories import approved, claimed, fund_with, submitted
from tests.incentives.factories import DealFactory
from tests.promotion.factories import CampaignFactory, pdf_bytes, png_bytes


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "title": "共催セミナー（福岡）",
        "activity_type": "event",
        "description": "製造業のお客様向け",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "expected_leads": "20",
        "expected_attendees": "40",
        "expected_pipeline": "3000000",
        "requested_amount": "200000",
        "campaign": "",
    }
    data.update(overrides)
    return data


def test_request_decision_claim_and_partial_approval_through_the_pages(
    world, client_for, django_capture_on_commit_callbacks
):
    world.manager_a.language = "en"
    world.manager_a.save()
    fund_with(world.partner_a, 1_000_000)
    admin, manager = client_for(world.admin_a), client_for(world.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("funds:request_new"), _form())
    request = FundRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("funds:request", args=[request.pk])
    # The manager assigned to partner A hears of it, in English.
    assert Notification.objects.filter(recipient=world.manager_a, kind="mdf_submitted").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("funds:staff_decide", args=[request.pk]), {"decision": "approve", "amount": "150000"}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("approved", Decimal(150_000))
    decided = [m for m in mail.outbox if world.admin_a.email in m.to]
    assert decided and "MDF申請が承認されました" in decided[-1].subject  # the admin reads Japanese
    assert "150,000円" in decided[-1].body

    page = admin.get(reverse("funds:request", args=[request.pk]))
    assert "精算を提出" in page.content.decode()
    assert "MDF申請を提出" in page.content.decode() and "MDF申請を承認" in page.content.decode()  # history

    files = {
        "actual_cost": "180000",
        "attendees": "38",
        "leads": "15",
        "results": "盛況でした",
        "receipts": [
            SimpleUploadedFile('..\\..\\evil"<script>\x07\u202e.pdf', pdf_bytes(1), "application/pdf")
        ],
        "proofs": [SimpleUploadedFile("会場写真.png", png_bytes(), "image/png")],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("funds:claim_new", args=[request.pk]), files)
    assert response.status_code == 302, [
        line
        for line in response.content.decode().splitlines()
        if "invalid-feedback" in line or "alert-danger" in line
    ]
    claim = Claim.objects.get()
    receipt = claim.files.get(kind=ClaimFile.Kind.RECEIPT)
    # The browser's name is display only, cleaned; the stored name is ours.
    assert "/" not in receipt.name and "\\" not in receipt.name and "<" not in receipt.name
    assert "\r" not in receipt.name and '"' not in receipt.name
    assert receipt.file.name.startswith(f"funds/claims/{world.partner_a.pk}/{claim.pk}/")
    assert "evil" not in receipt.file.name
    download = admin.get(reverse("funds:claim_file", args=[receipt.pk]))
    assert download.status_code == 200 and "\n" not in download["Content-Disposition"]
    assert client_for(world.admin_b).get(reverse("funds:claim_file", args=[receipt.pk])).status_code == 404

    page = manager.get(reverse("funds:staff_request", args=[request.pk]))
    assert "150,000" in page.content.decode() and "Decide on the claim" in page.content.decode()
    # More than the reservation (150,000) is refused with a message, nothing changes.
    response = manager.post(
        reverse("funds:staff_decide", args=[request.pk]), {"decision": "approve", "amount": "170000"}
    )
    assert response.status_code == 400 and "150,000" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            reverse("funds:staff_decide", args=[request.pk]),
            {"decision": "approve", "amount": "120000", "comment": "交通費は対象外です"},
        )
    claim.refresh_from_db()
    fund = Fund.objects.get()
    assert (claim.status, claim.approved_amount) == ("approved", Decimal(120_000))
    assert (fund.reserved, fund.committed, fund.available) == (0, Decimal(120_000), Decimal(880_000))
    mail_to_admin = [m for m in mail.outbox if world.admin_a.email in m.to][-1]
    assert "120,000円" in mail_to_admin.body and "交通費は対象外です" in mail_to_admin.body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.pdf", png_bytes(), "contents do not match"),
        ("receipt.exe", b"MZ\x90\x00", "cannot be uploaded"),
        ("receipt.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_form_errors_and_nothing_is_kept(world, client_for, settings, name, content, message):
    settings.LANGUAGE_CODE = "en"
    world.admin_a.language = "en"
    world.admin_a.save()
    fund_with(world.partner_a)
    request = approved(world.partner_a, world.admin_a, world.manager_a)
    response = client_for(world.admin_a).post(
        reverse("funds:claim_new", args=[request.pk]),
        {
            "actual_cost": "1000",
            "attendees": "1",
            "leads": "1",
            "receipts": [SimpleUploadedFile(name, content)],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Claim.objects.exists() and not ClaimFile.objects.exists()


def test_a_request_without_a_fund_or_above_it_is_a_clear_form_error(world, client_for):
    admin = client_for(world.admin_a)
    response = admin.post(reverse("funds:request_new"), _form())
    assert "資金の枠はありません" in response.content.decode()
    fund_with(world.partner_a, 100_000)
    response = admin.post(reverse("funds:request_new"), _form(requested_amount="100001"))
    assert "100,000円" in response.content.decode()
    response = admin.post(
        reverse("funds:request_new"), _form(ends_on=(timezone.localdate() - timedelta(1)).isoformat())
    )
    assert "終了日は開始日以降" in response.content.decode()
    assert not FundRequest.objects.exists()


def test_a_campaign_of_another_audience_cannot_be_linked(world, client_for):
    fund_with(world.partner_a)
    hidden = CampaignFactory(partner_types=["solution"])  # partner A is a delivery partner
    response = client_for(world.admin_a).post(reverse("funds:request_new"), _form(campaign=str(hidden.pk)))
    assert response.status_code == 200 and not FundRequest.objects.exists()


def test_deals_against_the_campaign_are_attributed_and_only_reviewed_wins_count(world):
    fund_with(world.partner_a)
    campaign = CampaignFactory()
    request = approved(world.partner_a, world.admin_a, world.manager_a, campaign=campaign)
    DealFactory(partner=world.partner_a, campaign=campaign, won=True, amount=Decimal(2_000_000))
    DealFactory(partner=world.partner_a, campaign=campaign, approved=True, amount=Decimal(500_000))
    # A won amount still under review, another partner's deal and a deal without the campaign.
    DealFactory(partner=world.partner_a, campaign=campaign, stage="won", closed_on=timezone.localdate())
    DealFactory(partner=world.partner_b, campaign=campaign, won=True, amount=Decimal(9_000_000))
    DealFactory(partner=world.partner_a, won=True, amount=Decimal(7_000_000))
    row = queries.requests_of(world.partner_a).get(pk=request.pk)
    assert (row.deals, row.pipeline, row.won) == (3, Decimal(500_000), Decimal(2_000_000))
    totals = queries.partner_roi([row])
    assert totals.spent == Decimal(300_000) and totals.roi == Decimal("6.7")


def test_pages_and_csv_read_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    fund_with(world.partner_a, 5_000_000)
    campaign = CampaignFactory()
    admin, manager = client_for(world.admin_a), client_for(world.manager_a)
    pages = [
        (reverse("funds:index"), admin),
        (reverse("funds:export"), admin),
        (reverse("funds:staff_requests") + "?state=all", manager),
        (reverse("funds:staff_requests") + "?state=all&format=csv", manager),
        (reverse("funds:staff_funds"), manager),
    ]

    def grow(n):
        for _ in range(n):
            request = approved(world.partner_a, world.admin_a, world.manager_a, campaign=campaign)
            claimed(request, world.admin_a)

    def count() -> dict:
        counts = {}
        for url, client in pages:
            with django_assert_max_num_queries(40) as context:
                response = client.get(url)
                assert response.status_code == 200
                if response.streaming:
                    b"".join(response.streaming_content)
            counts[url] = len(context.captured_queries)
        return counts

    grow(2)
    count()  # warm: sessions, caches
    before = count()
    grow(5)
    count()  # the writes bumped the partner's cache scope: warm again
    assert count() == before


def test_partner_csv_has_the_columns_and_a_bom(world, client_for):
    fund_with(world.partner_a)
    submitted(world.partner_a, world.admin_a, title='=HYPERLINK("x")')
    response = client_for(world.member_a).get(reverse("funds:export"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and "申請額（円）" in body.splitlines()[0]
    assert "=HYPERLINK" not in body.replace("'=HYPERLINK", "")  # formulas are neutralised


def test_reminders_reach_managers_and_admins_once(world):
    fund_with(world.partner_a)
    waiting = submitted(world.partner_a, world.admin_a)
    FundRequest.objects.filter(pk=waiting.pk).update(decision_due_on=timezone.localdate() - timedelta(days=1))
    done = approved(world.partner_a, world.admin_a, world.manager_a)
    FundRequest.objects.filter(pk=done.pk).update(claim_due_on=timezone.localdate() + timedelta(days=3))
    emails.reminders_send()
    emails.reminders_send()
    assert Notification.objects.filter(kind="mdf_decision_due", recipient=world.manager_a).count() == 1
    assert Notification.objects.filter(kind="mdf_claim_due", recipient=world.admin_a).count() == 1
    assert not Notification.objects.filter(kind="mdf_decision_due", recipient=world.manager_other).exists()


def test_the_dashboard_block_counts_the_viewers_partners(world):
    fund_with(world.partner_a, 400_000)
    fund_with(world.partner_b, 600_000)
    submitted(world.partner_a, world.admin_a)
    today = timezone.localdate()
    period = period_of(today)
    start_at = timezone.now() - timedelta(days=30)

    def block(partners):
        query = BlockQuery(
            partners=partners,
            partner_ids=partners,
            start=period.start,
            today=today,
            start_at=start_at,
            end_at=timezone.now(),
        )
        return [value for _label, value in queries.funds_block(query)["rows"]]

    everyone = block(None)
    only_a = block([world.partner_a.pk])
    assert everyone[0] == 1_000_000 and only_a[0] == 400_000
    assert only_a[4] == 1  # the request waiting for a decision


def test_the_offboarding_export_lists_requests_claims_and_files(world, django_assert_max_num_queries):
    from privacy.registry import export_sections

    section = next(s for s in export_sections() if s.key == "mdf")
    fund_with(world.partner_a)
    for _ in range(3):
        claimed(approved(world.partner_a, world.admin_a, world.manager_a), world.admin_a)
    submitted(world.partner_b, world.admin_b) if Fund.objects.filter(
        partner=world.partner_b
    ).exists() else None
    assert section.count(world.partner_a) == 3
    with django_assert_max_num_queries(3):
        rows = [[column.value(row) for column in section.columns] for row in section.rows(world.partner_a)]
    assert len(rows) == 3 and all(row[-1] == "receipt.pdf" for row in rows)


def test_a_manager_opens_a_fund_only_for_a_partner_they_manage(world, client_for):
    url = reverse("funds:staff_fund_open")
    data = {"partner": world.partner_a.name, "amount": "150000", "reason": "共催イベントのため"}
    client_for(world.manager_other).post(url, data)
    assert not Fund.objects.exists()
    response = client_for(world.manager_a).post(url, data)
    fund = Fund.objects.get()
    assert response["Location"] == reverse("funds:staff_fund", args=[fund.pk])
    assert (fund.partner, fund.allocated, fund.period_start) == (
        world.partner_a,
        150_000,
        period_of(timezone.localdate()).start,
    )
    assert fund.entries.get().reason == "共催イベントのため"
