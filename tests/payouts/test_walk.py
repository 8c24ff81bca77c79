"""Statement -> approval (notice e-mailed with its PDF) -> transfer file -> paid, with the
money counted once and the totals matching the earnings."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from incentives.models import Earning, Statement
from payouts import emails, queries, services
from payouts.models import Payout, PayoutLine
from tests.factories import PartnerFactory
from tests.payouts.helpers import approved_statement, finance_user, payee

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_statement_to_transfer_file_to_paid(world, django_capture_on_commit_callbacks):
    finance = finance_user()
    approved_statement(world.partner_a, amounts=(Decimal(15), Decimal(15), Decimal(15), Decimal(100_000)))
    approved_statement(world.partner_b, amounts=(Decimal(50_000),))
    payee(world.partner_a)
    payee(world.partner_b, registered=False, account_holder_kana="ﾍﾞ-ﾀ")

    result = services.payouts_build(period=NOV, actor=finance)
    assert result["statements"] == 2
    a = Payout.objects.get(partner=world.partner_a)
    # One tax for the 10% total: 100,045 x 10% = 10,004.5 -> 10,004 (line by line would be 10,003).
    assert (a.net_standard, a.tax_standard, a.total) == (Decimal(100_045), Decimal(10_004), Decimal(110_049))
    assert a.status == Payout.Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_approve(payout=a, actor=finance)
        b = services.payout_approve(payout=Payout.objects.get(partner=world.partner_b), actor=finance)
    assert b.registration_number == "" and b.deductible_percent == 70  # November 2026
    # The notice went to each partner's admins, the PDF attached in their language.
    to_a = [m for m in mail.outbox if m.to == [world.admin_a.email]]
    assert len(to_a) == 1 and to_a[0].attachments[0][2] == "application/pdf"
    assert "T1180301018771" in pdf_text(to_a[0].attachments[0][1])
    # A redelivered task sends nothing again.
    assert emails.notice_issued(payout_id=a.pk) == 0

    batch = services.transfer_batch_create(
        payouts=Payout.objects.all(), transfer_date=timezone.localdate() + timedelta(days=1), actor=finance
    )
    assert (batch.count, batch.total) == (2, Decimal(110_049 + 55_000))
    records = bytes(batch.content).split(b"\r\n")[:-1]
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"8", b"9"]
    assert b"0000110049" in records[1] and b"0000055000" in records[2]
    assert records[3] == b"8000002000000165049" + b" " * 101

    n = services.transfer_batch_paid(batch=batch, paid_on=timezone.localdate(), actor=finance)
    assert n == 2
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    # The incentive statements are paid through payouts.
    assert set(Statement.objects.values_list("status", flat=True)) == {"paid"}


def test_a_line_is_counted_once(world):
    finance = finance_user()
    approved_statement(world.partner_a, amounts=(Decimal(1000),))
    services.payouts_build(period=NOV, actor=finance)
    services.payouts_build(period=NOV, actor=finance)  # rebuilt, not doubled
    services.payouts_build(period=date(2026, 12, 1), actor=finance)  # held by November's
    assert PayoutLine.objects.count() == 1
    line = PayoutLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutLine.objects.create(
            payout=line.payout,
            kind="rebate",
            description="again",
            transaction_date=NOV,
            amount=1,
            earning=line.earning,
        )


def test_database_refuses_negative_amounts_and_wrong_totals(world):
    payout = Payout.objects.create(partner=world.partner_a, period=NOV)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(net_standard=-1, total=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(
            net_standard=100, tax_standard=10, total=100
        )  # not the sum


def test_drafts_and_unapproved_profiles_do_not_move_money(world):
    finance = finance_user()
    approved_statement(world.partner_a, amounts=(Decimal(1000),))
    approved_statement(world.partner_b, period=NOV, amounts=(Decimal(1000),), status=Statement.Status.DRAFT)
    services.payouts_build(period=NOV, actor=finance)
    assert Payout.objects.filter(partner=world.partner_b).count() == 0  # a draft statement is not payable
    payout = Payout.objects.get(partner=world.partner_a)
    with pytest.raises(services.PayoutsError):
        services.payout_approve(payout=payout, actor=finance)  # no payee profile
    profile = payee(world.partner_a, approved=False)
    with pytest.raises(services.PayoutsError):
        services.payout_approve(payout=payout, actor=finance)  # not reviewed
    services.payee_profile_approve(profile=profile, actor=finance)
    payout = services.payout_approve(payout=payout, actor=finance)
    # The partner changes the account afterwards: the statement waits for the new review.
    data = {f: getattr(profile, f) for f in services.PROFILE_FIELDS} | {"account_number": "7654321"}
    services.payee_profile_save(partner=world.partner_a, actor=world.admin_a, data=data)
    with pytest.raises(services.PayoutsError):
        services.transfer_batch_create(
            payouts=Payout.objects.all(), transfer_date=timezone.localdate(), actor=finance
        )
    with pytest.raises(services.PayoutsError):
        services.payout_mark_paid(payout=payout, paid_on=timezone.localdate(), actor=finance)  # not in a file


def test_finance_totals_match_the_earnings(world):
    finance = finance_user()
    payee(world.partner_a)
    approved_statement(world.partner_a, period=date(2026, 10, 1), amounts=(Decimal(300), Decimal(700)))
    approved_statement(world.partner_a, period=NOV, amounts=(Decimal(2_000),))
    approved_statement(world.partner_b, period=NOV, amounts=(Decimal(5_000),))
    services.payouts_build(period=date(2026, 10, 1), actor=finance)
    services.payout_approve(payout=Payout.objects.get(period=date(2026, 10, 1)), actor=finance)
    services.payouts_build(period=NOV, actor=finance, partner_ids=[world.partner_b.pk])
    approved_statement(world.partner_b, period=date(2026, 9, 1), amounts=(Decimal(40),))  # after the build
    totals = queries.finance_totals(finance, until=date(2026, 11, 30))
    assert totals == {
        "unpaid": Decimal(2_040),
        "draft": Decimal(5_000),
        "approved": Decimal(1_000),
        "paid": Decimal(0),
    }
    payable = Earning.objects.filter(statement__status__in=["approved", "paid"]).values_list(
        "amount", flat=True
    )
    assert sum(totals.values()) == sum(payable)
    # A channel manager sees only their partners' part.
    manager_totals = queries.finance_totals(world.manager_a, until=date(2026, 11, 30))
    assert manager_totals == {"unpaid": Decimal(2_000), "draft": 0, "approved": Decimal(1_000), "paid": 0}


def test_the_build_runs_a_fixed_number_of_queries(world):
    finance = finance_user()

    def build_for(n, period):
        for _i in range(n):
            approved_statement(PartnerFactory(), period=period, amounts=(Decimal(100), Decimal(200)))
        with CaptureQueriesContext(connection) as ctx:
            services.payouts_build(period=period, actor=finance)
        return len(ctx.captured_queries)

    assert build_for(2, date(2026, 9, 1)) == build_for(8, date(2026, 10, 1))
