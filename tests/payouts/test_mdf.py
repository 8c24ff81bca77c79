"""Issue 27's walk across both lanes: an MDF request -> approval -> claim -> partial approval ->
payment statement (beside the partner's earnings) -> transfer file -> paid, where paying the
statement pays the claim in its fund's ledger and the incentive statement."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funds import queries as fund_queries
from funds import services as fund_services
from funds.models import Claim
from incentives.models import Statement
from payouts import queries, services
from payouts.models import Payout, PayoutLine
from tests.funds.factories import approved, claimed, fund_with, yesterday
from tests.payouts.helpers import approved_statement, finance_user, payee

pytestmark = pytest.mark.django_db


def test_request_to_paid_claim(world):
    today = timezone.localdate()
    finance = finance_user()
    payee(world.partner_a)
    fund_with(world.partner_a, 1_000_000)
    request = approved(
        world.partner_a, world.admin_a, world.manager_a, starts_on=yesterday(), ends_on=yesterday()
    )
    claim = claimed(request, world.admin_a, actual_cost=250_000)
    claim = fund_services.claim_approve(
        claim=claim, actor=world.manager_a, amount=Decimal(200_001)
    )  # in part
    approved_statement(world.partner_a, period=today.replace(day=1), amounts=(Decimal(99_999),))

    services.payouts_build(period=today, actor=finance)
    payout = Payout.objects.get()
    mdf = payout.lines.get(kind=PayoutLine.Kind.MDF)
    assert (mdf.claim_id, mdf.amount, mdf.transaction_date) == (claim.pk, Decimal(200_001), yesterday())
    assert "共催セミナー" in mdf.description
    # One tax on the 10% total of both sources: 300,000 x 10% = 30,000 (line by line: 29,999).
    assert (payout.net_standard, payout.tax_standard, payout.total) == (300_000, 30_000, 330_000)
    assert queries.finance_totals(finance, until=today)["unpaid"] == 0

    services.payout_approve(payout=payout, actor=finance)
    batch = services.transfer_batch_create(
        payouts=Payout.objects.all(), transfer_date=today + timedelta(days=1), actor=finance
    )
    assert b"0000330000" in bytes(batch.content)
    services.transfer_batch_paid(batch=batch, paid_on=today, actor=finance)

    assert Claim.objects.get(pk=claim.pk).paid_on == today
    assert not fund_queries.claims_payable(until=today).exists()
    assert Statement.objects.get().status == Statement.Status.PAID
    totals = queries.finance_totals(finance, until=today)
    assert totals == {"unpaid": 0, "draft": 0, "approved": 0, "paid": Decimal(300_000)}


def test_an_unpaid_claim_counts_until_a_statement_holds_it(world):
    today = timezone.localdate()
    finance = finance_user()
    fund_with(world.partner_a, 1_000_000)
    request = approved(
        world.partner_a, world.admin_a, world.manager_a, starts_on=yesterday(), ends_on=yesterday()
    )
    fund_services.claim_approve(claim=claimed(request, world.admin_a), actor=world.manager_a)
    totals = queries.finance_totals(finance, until=today)
    assert totals["unpaid"] == Decimal(250_000)
    services.payouts_build(period=today, actor=finance)
    services.payouts_build(period=today, actor=finance)  # rebuilt: the claim is still one line
    assert PayoutLine.objects.filter(claim__isnull=False).count() == 1
    totals = queries.finance_totals(finance, until=today)
    assert (totals["unpaid"], totals["draft"]) == (0, Decimal(250_000))


def test_finance_sees_unpaid_claims(world, client_for):
    fund_with(world.partner_a, 1_000_000)
    request = approved(
        world.partner_a, world.admin_a, world.manager_a, starts_on=yesterday(), ends_on=yesterday()
    )
    fund_services.claim_approve(claim=claimed(request, world.admin_a), actor=world.manager_a)
    client = client_for(finance_user())
    page = client.get(reverse("payouts:staff_unpaid") + "?source=claims")
    assert "共催セミナー" in page.content.decode() and "250,000" in page.content.decode()
    csv = client.get(reverse("payouts:staff_unpaid") + "?source=claims&format=csv")
    assert "250000" in b"".join(csv.streaming_content).decode("utf-8-sig")
