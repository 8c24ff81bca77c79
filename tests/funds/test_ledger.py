"""The MDF ledger: request -> approval -> claim -> partial approval -> payment, and a fund
that cannot be overspent (a database constraint, row locks; two approvals racing)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Sum

from funds import queries, services
from funds.models import Claim, Fund, FundRequest, LedgerEntry
from funds.periods import Period, period_of
from funds.services import FundsError
from incentives.models import PartnerTierState
from prm.models import AuditEvent
from tests.factories import PartnerFactory
from tests.funds.factories import approved, claimed, fund_with, submitted
from tests.incentives.factories import make_tiers

Kind = LedgerEntry.Kind


def ledger_matches(fund: Fund) -> None:
    """The fund's figures are the sums of its movements."""
    fund.refresh_from_db()

    def total(*kinds):
        return fund.entries.filter(kind__in=kinds).aggregate(s=Sum("amount"))["s"] or Decimal(0)

    assert fund.allocated == total(Kind.ALLOCATION, Kind.ADJUSTMENT)
    assert fund.reserved == total(Kind.RESERVATION) - total(Kind.RELEASE, Kind.CLAIM_APPROVED)
    assert fund.committed == total(Kind.CLAIM_APPROVED) - total(Kind.PAYMENT)
    assert fund.paid == total(Kind.PAYMENT)
    assert fund.available >= 0


def test_request_to_payment_with_a_partial_claim(world):
    fund = fund_with(world.partner_a, 1_000_000, actor=world.manager_a)
    request = submitted(world.partner_a, world.admin_a, requested_amount=Decimal(400_000))
    assert (
        request.status == FundRequest.Status.SUBMITTED
        and request.decision_due_on > request.starts_on - timedelta(1)
    )

    request = services.request_approve(fund_request=request, actor=world.manager_a, amount=Decimal(300_000))
    fund.refresh_from_db()
    assert (fund.reserved, fund.available) == (Decimal(300_000), Decimal(700_000))
    assert request.claim_due_on == request.ends_on + timedelta(days=60)

    claim = claimed(request, world.admin_a, actual_cost=280_000)
    # More than the actual cost cannot be approved; part of it can.
    with pytest.raises(FundsError):
        services.claim_approve(claim=claim, actor=world.manager_a, amount=Decimal(290_000))
    claim = services.claim_approve(claim=claim, actor=world.manager_a, amount=Decimal(250_000))
    fund.refresh_from_db()
    assert (fund.reserved, fund.committed, fund.available) == (0, Decimal(250_000), Decimal(750_000))
    ledger_matches(fund)

    payable = queries.claims_payable(until=date.today())
    assert list(payable) == [claim]
    assert payable[0].description.startswith("共催セミナー")
    assert not queries.claims_payable(until=date.today(), partner_ids=[world.partner_b.pk]).exists()

    services.claims_paid(claim_ids=[claim.pk], paid_on=date.today(), actor=world.superuser)
    services.claims_paid(claim_ids=[claim.pk], paid_on=date.today(), actor=world.superuser)  # a retry
    fund.refresh_from_db()
    assert (fund.committed, fund.paid) == (0, Decimal(250_000))
    assert fund.entries.filter(kind=Kind.PAYMENT).count() == 1
    assert not queries.claims_payable(until=date.today()).exists()
    ledger_matches(fund)
    actions = set(AuditEvent.objects.filter(partner_id=world.partner_a.pk).values_list("action", flat=True))
    assert {
        "fund.adjusted",
        "fund_request.submitted",
        "fund_request.approved",
        "fund_claim.submitted",
        "fund_claim.approved",
        "fund_claim.paid",
    } <= actions


def test_a_request_cannot_ask_for_more_than_is_available_nor_be_approved_beyond_it(world):
    fund_with(world.partner_a, 500_000)
    with pytest.raises(FundsError):
        submitted(world.partner_a, world.admin_a, requested_amount=Decimal(600_000))
    first = submitted(world.partner_a, world.admin_a, requested_amount=Decimal(400_000))
    second = submitted(world.partner_a, world.admin_a, requested_amount=Decimal(400_000))
    services.request_approve(fund_request=first, actor=world.manager_a)
    with pytest.raises(FundsError):
        services.request_approve(fund_request=second, actor=world.manager_a)
    second.refresh_from_db()
    assert second.status == FundRequest.Status.SUBMITTED
    # Part of it still fits.
    services.request_approve(fund_request=second, actor=world.manager_a, amount=Decimal(100_000))
    assert Fund.objects.get(partner=world.partner_a).available == 0


def test_the_database_refuses_an_overspent_fund(world):
    fund = fund_with(world.partner_a, 100_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(reserved=100_001)


def test_adjustments_need_a_reason_and_cannot_take_back_reserved_money(world):
    fund = fund_with(world.partner_a, 300_000)
    approved(world.partner_a, world.admin_a, world.manager_a, requested_amount=Decimal(200_000))
    with pytest.raises(FundsError):
        services.fund_adjust(
            partner=world.partner_a,
            period_start=fund.period_start,
            amount=-150_000,
            reason="削減",
            actor=None,
        )
    with pytest.raises(FundsError):
        services.fund_adjust(
            partner=world.partner_a, period_start=fund.period_start, amount=10, reason=" ", actor=None
        )
    services.fund_adjust(
        partner=world.partner_a, period_start=fund.period_start, amount=-100_000, reason="削減", actor=None
    )
    fund.refresh_from_db()
    assert (fund.allocated, fund.available) == (Decimal(200_000), 0)
    ledger_matches(fund)


def test_return_resubmit_reject_and_expiry(world):
    fund = fund_with(world.partner_a, 1_000_000)
    request = submitted(world.partner_a, world.admin_a)
    with pytest.raises(FundsError):
        services.request_return(fund_request=request, actor=world.manager_a, comment="")
    request = services.request_return(fund_request=request, actor=world.manager_a, comment="見込みを具体的に")
    assert request.can_edit()
    request = services.request_resubmit(
        fund_request=request,
        actor=world.admin_a,
        fields={**{f: getattr(request, f) for f in services.REQUEST_FIELDS}, "expected_leads": 80},
    )
    assert request.status == FundRequest.Status.SUBMITTED and request.expected_leads == 80
    services.request_reject(fund_request=request, actor=world.manager_a, comment="今期は対象外")
    fund.refresh_from_db()
    assert fund.reserved == 0

    old = approved(world.partner_a, world.admin_a, world.manager_a)
    assert services.requests_expire(today=old.claim_due_on) == 0
    assert services.requests_expire(today=old.claim_due_on + timedelta(days=1)) == 1
    old.refresh_from_db()
    fund.refresh_from_db()
    assert (
        old.status == FundRequest.Status.EXPIRED and fund.reserved == 0 and fund.available == fund.allocated
    )
    ledger_matches(fund)


def test_a_partner_withdraws_a_waiting_or_an_approved_request_and_the_reservation_returns(world, client_for):
    fund = fund_with(world.partner_a, 1_000_000)
    waiting = submitted(world.partner_a, world.admin_a)
    services.request_withdraw(fund_request=waiting, actor=world.admin_a)
    waiting.refresh_from_db()
    assert waiting.status == FundRequest.Status.WITHDRAWN and waiting.approved_amount is None

    request = approved(world.partner_a, world.admin_a, world.manager_a, amount=Decimal(200_000))
    fund.refresh_from_db()
    assert fund.reserved == Decimal(200_000)
    admin = client_for(world.admin_a)
    page = admin.get(f"/funds/requests/{request.pk}/").content.decode()
    assert 'data-testid="withdraw"' in page and "200,000" in page
    # A member sees no button and may not withdraw.
    assert (
        'data-testid="withdraw"'
        not in client_for(world.member_a).get(f"/funds/requests/{request.pk}/").content.decode()
    )
    assert client_for(world.member_a).post(f"/funds/requests/{request.pk}/withdraw/").status_code == 403
    response = admin.post(f"/funds/requests/{request.pk}/withdraw/")
    assert response.status_code == 302
    request.refresh_from_db()
    fund.refresh_from_db()
    assert request.status == FundRequest.Status.WITHDRAWN and request.approved_amount == Decimal(200_000)
    assert (fund.reserved, fund.available) == (0, fund.allocated)
    release = LedgerEntry.objects.get(request=request, kind="release")
    assert (release.amount, release.reason) == (Decimal(200_000), "withdrawn")
    assert AuditEvent.objects.filter(action="fund_request.withdrawn").count() == 2
    ledger_matches(fund)

    # Twice, or once a claim was sent, is refused and changes nothing.
    with pytest.raises(FundsError):
        services.request_withdraw(fund_request=request, actor=world.admin_a)
    claimed_request = approved(world.partner_a, world.admin_a, world.manager_a, amount=Decimal(100_000))
    claimed(claimed_request, world.admin_a, actual_cost=100_000)
    claimed_request.refresh_from_db()
    with pytest.raises(FundsError):
        services.request_withdraw(fund_request=claimed_request, actor=world.admin_a)
    assert (
        'data-testid="withdraw"' not in admin.get(f"/funds/requests/{claimed_request.pk}/").content.decode()
    )
    fund.refresh_from_db()
    assert fund.reserved == Decimal(100_000)
    ledger_matches(fund)


def test_a_rejected_claim_gives_the_whole_reservation_back(world):
    fund = fund_with(world.partner_a, 1_000_000)
    request = approved(world.partner_a, world.admin_a, world.manager_a)
    claim = claimed(request, world.admin_a)
    services.claim_reject(claim=claim, actor=world.manager_a, comment="証憑が不足しています")
    fund.refresh_from_db()
    assert (fund.reserved, fund.committed, fund.available) == (0, 0, Decimal(1_000_000))
    assert not queries.claims_payable(until=date.today()).exists()
    ledger_matches(fund)


def test_the_allocation_job_is_set_based_and_runs_once(world, django_assert_max_num_queries):
    gold = make_tiers()[2]
    gold.mdf_budget = Decimal(2_000_000)
    gold.save()
    others = [PartnerFactory() for _ in range(5)]
    for partner in [world.partner_a, *others]:
        PartnerTierState.objects.create(partner=partner, tier=gold)
    PartnerTierState.objects.create(partner=PartnerFactory(status="suspended"), tier=gold)
    period = Period(date(2026, 4, 1), date(2026, 6, 30))
    with django_assert_max_num_queries(8):
        assert services.funds_allocate(period=period) == 6
    assert services.funds_allocate(period=period) == 0
    fund = Fund.objects.get(partner=world.partner_a, period_start=period.start)
    assert fund.allocated == Decimal(500_000) and fund.tier == gold  # a quarter of the year's budget
    ledger_matches(fund)
    assert AuditEvent.objects.filter(action="fund.allocated").count() == 6


@pytest.mark.parametrize(
    ("month", "kind", "day", "expected"),
    [
        (4, "quarter", date(2026, 5, 20), (date(2026, 4, 1), date(2026, 6, 30), "FY2026 Q1")),
        (4, "quarter", date(2027, 2, 1), (date(2027, 1, 1), date(2027, 3, 31), "FY2026 Q4")),
        (4, "half", date(2026, 12, 31), (date(2026, 10, 1), date(2027, 3, 31), "FY2026 H2")),
        (1, "half", date(2026, 3, 3), (date(2026, 1, 1), date(2026, 6, 30), "FY2026 H1")),
        (10, "quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30), "FY2025 Q4")),
    ],
)
def test_fund_periods_follow_the_fiscal_year(settings, month, kind, day, expected):
    settings.PRM_FISCAL_YEAR_START_MONTH = month
    settings.PRM_MDF_PERIOD = kind
    settings.LANGUAGE_CODE = "en"
    period = period_of(day)
    from django.utils import translation

    with translation.override("en"):
        assert (period.start, period.end, period.label()) == expected


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_cannot_overspend_the_fund():
    """Real threads, real PostgreSQL connections: both approvals start together; each alone
    fits the fund, both do not. One wins, the other is refused; the fund never goes negative."""
    from tests.factories import MembershipFactory, UserFactory

    partner = PartnerFactory()
    admin = MembershipFactory(partner=partner, role="admin").user
    manager = UserFactory(is_staff=True)
    fund = fund_with(partner, 500_000)
    requests = [submitted(partner, admin, requested_amount=Decimal(300_000)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(request):
        close_old_connections()
        try:
            barrier.wait()
            services.request_approve(fund_request=request, actor=manager)
            outcomes.append("approved")
        except FundsError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused"]
    fund.refresh_from_db()
    assert fund.reserved == Decimal(300_000) and fund.available == Decimal(200_000)
    assert FundRequest.objects.filter(status="approved").count() == 1
    ledger_matches(fund)
    assert Claim.objects.count() == 0


def test_a_returned_claim_is_changed_and_sent_again_keeping_the_reservation(world):
    from tests.funds.factories import receipt

    fund = fund_with(world.partner_a, 1_000_000)
    request = approved(world.partner_a, world.admin_a, world.manager_a)
    claim = claimed(request, world.admin_a, actual_cost=400_000)
    claim = services.claim_return(claim=claim, actor=world.manager_a, comment="領収書の宛名をご確認ください")
    assert claim.can_edit() and claim.decided_at is not None
    fund.refresh_from_db()
    assert fund.reserved == Decimal(300_000)
    with pytest.raises(FundsError):
        services.claim_approve(claim=claim, actor=world.manager_a)
    claim = services.claim_resubmit(
        claim=claim,
        actor=world.admin_a,
        fields={"actual_cost": Decimal(290_000), "leads": 3, "attendees": 9, "results": ""},
        files=[receipt("再発行の領収書.pdf")],
    )
    assert claim.status == Claim.Status.SUBMITTED and claim.files.count() == 2
    claim = services.claim_approve(claim=claim, actor=world.manager_a)  # in full: the actual cost
    fund.refresh_from_db()
    assert claim.approved_amount == Decimal(290_000)
    assert (fund.reserved, fund.committed) == (0, Decimal(290_000))
    ledger_matches(fund)


def test_the_allocation_command_opens_the_period_once(world):
    from io import StringIO

    from django.core.management import call_command

    gold = make_tiers()[2]
    gold.mdf_budget = Decimal(1_200_000)
    gold.save()
    PartnerTierState.objects.create(partner=world.partner_a, tier=gold)
    out = StringIO()
    call_command("allocate_funds", "--date", "2026-08-15", stdout=out)
    call_command("allocate_funds", "--date", "2026-08-15", stdout=out)
    assert "1 opened" in out.getvalue() and "0 opened" in out.getvalue()
    fund = Fund.objects.get(partner=world.partner_a)
    assert (fund.period_start, fund.period_end, fund.allocated) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        300_000,
    )
