"""Money is counted only after review (issue 21, finding 1).

A member closes an approved ¥1,000,000 deal as won at an inflated amount. Before a reviewer
decides, it earns nothing and moves no tier, leaderboard or report; the absurd amount is
refused outright; after the reviewer rejects it, the approved ¥1,000,000 counts exactly as if
the member had recorded it honestly (an honest twin partner is the control), and nothing of
the inflated figure is anywhere. Every consumer reads one reviewed figure,
`Deal.counted_amount_jpy`, and the database refuses a counted figure that was not reviewed.
"""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from dashboard import queries as dashboard_queries
from incentives import queries, services
from incentives.models import Deal, Earning, IncentiveProgram, PartnerDealMonth, PartnerTierState, Statement
from incentives.rollups import deal_rollup_refresh
from partners.models import PartnerType
from promotion import queries as promotion_queries
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory, ProgramFactory, make_tiers
from tests.promotion.factories import CampaignFactory

ROOT = Path(__file__).resolve().parents[2]
TODAY = timezone.localdate


def _nightly():
    """What beat runs: tiers, this month's earnings, the dashboard roll-up."""
    services.tiers_recompute(as_of=TODAY())
    services.earnings_compute(period=TODAY())
    deal_rollup_refresh()


def _figures(partner, campaign) -> dict:
    """Every place the won amount could show up, for one partner."""
    state = PartnerTierState.objects.filter(partner=partner).select_related("tier").first()
    leaders, _rank, _peers = queries.leaderboard(partner)
    own = next((r for r in leaders if r.is_self), None)
    totals = dashboard_queries.partner_360(partner)["deal_totals"]
    ids = [partner.pk]
    query = dashboard_queries.for_partners(dashboard_queries.Filters(days=30), ids)
    raw = queries.deals_pipeline_raw(query)
    rolled = queries.deals_pipeline_rollup(query)
    results = promotion_queries.campaign_results(campaign=campaign, partners=partner.__class__.objects.all())
    row = next((r for r in results["rows"] if r["partner_id"] == partner.pk), {})
    return {
        "tier": state.tier.rank if state and state.tier else None,
        "tier_revenue": state.won_revenue if state else Decimal(0),
        "leaderboard": own.won_revenue if own else None,
        "earnings": sorted(Earning.objects.filter(partner=partner).values_list("basis", "amount")),
        "chart": sum((r for _m, r, _d in queries.revenue_by_month(partner)), Decimal(0)),
        "month_rollup": sum(
            PartnerDealMonth.objects.filter(partner=partner).values_list("won_amount", flat=True)
        ),
        "partner_360": (totals["won"], totals["won_amount"] or 0),
        "dashboard_raw": sum(int(r[6] or 0) for r in raw),
        "dashboard_rollup": sum(int(r[6] or 0) for r in rolled),
        "campaign": (row.get("won_deals", 0), row.get("won_revenue", 0)),
    }


@pytest.fixture
def setting(world):
    tiers = make_tiers()
    tiers[1].min_certified_people = 0  # Silver at 5,000,000 won revenue and 2 won deals
    tiers[1].save()
    ProgramFactory(
        kind=IncentiveProgram.Kind.REBATE, percent=Decimal(5), amount=0,
        starts_on=TODAY() - timedelta(days=400), ends_on=TODAY() + timedelta(days=400),
    )  # fmt: skip
    campaign = CampaignFactory()
    twin = PartnerFactory(name="Honest Twin", partner_type=world.partner_a.partner_type, country="JP")
    world.partner_a.country = "JP"
    world.partner_a.save(update_fields=["country"])
    for partner in (world.partner_a, twin):
        # One earlier counted win of 4,500,000: one more won deal of 500,000 reaches Silver.
        DealFactory(partner=partner, won=True, amount=Decimal(4_500_000), closed_on=TODAY())
    attacked = DealFactory(
        partner=world.partner_a, approved=True, registered_by=world.member_a, campaign=campaign,
        amount=Decimal(1_000_000),
    )  # fmt: skip
    honest = DealFactory(partner=twin, approved=True, campaign=campaign, amount=Decimal(1_000_000))
    _nightly()
    return {"campaign": campaign, "twin": twin, "attacked": attacked, "honest": honest}


def _close(client, deal, amount):
    return client.post(
        reverse("incentives:deal_close", args=[deal.pk]), {"outcome": "won", "amount": str(amount)}
    )


def test_an_inflated_win_counts_nothing_before_review_and_only_the_approved_amount_after_rejection(
    world, setting, client_for
):
    partner, twin, campaign = world.partner_a, setting["twin"], setting["campaign"]
    attacked = setting["attacked"]
    member = client_for(world.member_a)
    before = _figures(partner, campaign)
    assert before["tier"] == 0 and before["tier_revenue"] == Decimal(4_500_000)

    # The absurd amount is refused outright, with a clear message; nothing changes.
    response = _close(member, attacked, "999999999999")
    assert response.status_code == 200
    assert "承認済みの金額" in response.content.decode()  # the form error, in Japanese
    attacked.refresh_from_db()
    assert attacked.is_open and attacked.amount == Decimal(1_000_000)
    with pytest.raises(services.IncentivesError):
        services.deal_close(deal=attacked, user=world.member_a, won=True, amount=Decimal("999999999999"))

    # An inflated amount within the bound goes back to review ...
    assert _close(member, attacked, "2999999").status_code == 302
    attacked.refresh_from_db()
    assert attacked.status == Deal.Status.SUBMITTED and attacked.counted_amount_jpy is None
    # ... and before a decision, nothing anywhere moves (after the nightly jobs have run).
    _nightly()
    assert _figures(partner, campaign) == before
    assert not Earning.objects.filter(deal=attacked).exists()

    # The reviewer rejects the amount: the approved figure is restored and counts.
    services.deal_reject(deal=attacked, actor=world.manager_a, reason="契約書の金額と一致しません。")
    attacked.refresh_from_db()
    assert (attacked.status, attacked.amount, attacked.counted_amount_jpy) == (
        Deal.Status.APPROVED, Decimal(1_000_000), Decimal(1_000_000),
    )  # fmt: skip
    # The honest twin records the same win at the approved amount.
    services.deal_close(deal=setting["honest"], user=None, won=True, amount=Decimal(1_000_000))
    _nightly()
    after, control = _figures(partner, campaign), _figures(twin, campaign)
    assert after == control  # the same tier, revenue, earnings, leaderboard, reports
    assert after["campaign"] == (1, Decimal(1_000_000))
    assert after["tier_revenue"] == Decimal(5_500_000) and after["tier"] == 1
    assert after["earnings"] == [
        (Decimal(1_000_000), Decimal(50_000)),
        (Decimal(4_500_000), Decimal(225_000)),
    ]
    # Nothing of the inflated figure is anywhere.
    assert "2999999" not in str(after)


def test_a_reviewer_approving_the_won_amount_counts_it_and_rebuilds_the_draft_at_once(world, setting):
    attacked = setting["attacked"]
    services.deal_close(deal=attacked, user=world.member_a, won=True, amount=Decimal(1_500_000))
    assert not Earning.objects.filter(deal=attacked).exists()
    services.deal_approve(deal=attacked, actor=world.manager_a)
    attacked.refresh_from_db()
    assert attacked.counted_amount_jpy == Decimal(1_500_000)
    # The draft statement has the line without waiting for the nightly run.
    line = Earning.objects.get(deal=attacked)
    assert (line.basis, line.amount, line.statement.status) == (Decimal(1_500_000), Decimal(75_000), "draft")
    assert line.statement.total == sum(
        Earning.objects.filter(statement=line.statement).values_list("amount", flat=True)
    )


def test_a_win_within_the_approved_amount_counts_at_once(world, setting):
    deal = setting["attacked"]
    services.deal_close(deal=deal, user=world.member_a, won=True, amount=Decimal(800_000))
    deal.refresh_from_db()
    assert (deal.status, deal.counted_amount_jpy) == (Deal.Status.APPROVED, Decimal(800_000))
    assert Earning.objects.get(deal=deal).amount == Decimal(40_000)


def test_approved_and_paid_statements_are_never_rebuilt(world, setting):
    deal = setting["attacked"]
    services.deal_close(deal=deal, user=world.member_a, won=True, amount=Decimal(1_000_000))
    statement = Earning.objects.get(deal=deal).statement
    services.statement_approve(statement=statement, actor=world.manager_a)
    IncentiveProgram.objects.update(percent=Decimal(10))  # the programme changes afterwards
    services.earnings_compute(period=TODAY())
    services.deal_earnings_follow(deal_ids=[deal.pk])
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    assert Earning.objects.get(deal=deal).amount == Decimal(50_000)
    # The twin's draft follows the new rate.
    services.deal_close(deal=setting["honest"], user=None, won=True, amount=Decimal(1_000_000))
    assert Earning.objects.get(deal=setting["honest"]).amount == Decimal(100_000)


def test_a_rejected_change_of_an_open_deal_restores_the_approved_amount_and_keeps_protection(world):
    make_tiers()
    deal = DealFactory(partner=world.partner_a, approved=True, amount=Decimal(1_000_000))
    protected_until = deal.protected_until
    services.deal_update(deal=deal, user=world.member_a, data={"amount": Decimal(9_000_000)})
    services.deal_reject(deal=deal, actor=world.manager_a, reason="根拠がありません。")
    deal.refresh_from_db()
    assert (deal.status, deal.amount, deal.amount_jpy) == (
        Deal.Status.APPROVED,
        Decimal(1_000_000),
        1_000_000,
    )
    assert deal.protected_until == protected_until and deal.can_close()
    # Approving a change keeps the protection it had (a change is no way to extend it).
    services.deal_update(deal=deal, user=world.member_a, data={"amount": Decimal(1_200_000)})
    services.deal_approve(deal=deal, actor=world.manager_a, on=TODAY() + timedelta(days=10))
    deal.refresh_from_db()
    assert deal.protected_until == protected_until and deal.approved_amount == Decimal(1_200_000)


@pytest.mark.parametrize(
    "change",
    [
        {"counted_amount_jpy": Decimal(2_000_000)},  # above the approved amount
        {"status": Deal.Status.SUBMITTED},  # counted while under review
        {"stage": Deal.Stage.PROPOSAL, "closed_on": None},  # counted while open
        {"counted_amount_jpy": None},  # a reviewed win without its figure
        {"approved_amount_jpy": None},  # a reviewed registration without its approval
    ],
)
def test_the_database_refuses_a_figure_that_was_not_reviewed(db, change):
    deal = DealFactory(won=True, amount=Decimal(1_000_000))
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(**change)


def test_every_report_of_money_sums_the_reviewed_figure(world):
    """One counted win and one win under review: every consumer sees the counted one only."""
    make_tiers()
    campaign = CampaignFactory()
    DealFactory(partner=world.partner_a, won=True, amount=Decimal(700_000), campaign=campaign)
    DealFactory(
        partner=world.partner_a,
        campaign=campaign,
        stage=Deal.Stage.WON,
        closed_on=TODAY(),
        amount=Decimal(90_000_000),
        approved_amount=Decimal(30_000_000),
        approved_currency="JPY",
        approved_amount_jpy=Decimal(30_000_000),
    )  # under review (status submitted), fmt: skip
    # A submitted open registration is no pipeline either: only approved amounts are.
    DealFactory(partner=world.partner_a, campaign=campaign, amount=Decimal(50_000_000))
    DealFactory(partner=world.partner_a, campaign=campaign, approved=True, amount=Decimal(300_000))
    ProgramFactory(kind=IncentiveProgram.Kind.REBATE, percent=Decimal(1), amount=0,
                   starts_on=TODAY() - timedelta(days=30), ends_on=TODAY() + timedelta(days=30))  # fmt: skip
    _nightly()
    figures = _figures(world.partner_a, campaign)
    assert figures["tier_revenue"] == figures["chart"] == figures["month_rollup"] == Decimal(700_000)
    assert figures["partner_360"] == (1, Decimal(700_000))
    assert figures["dashboard_raw"] == figures["dashboard_rollup"] == 700_000
    assert figures["campaign"] == (1, Decimal(700_000))
    assert figures["earnings"] == [(Decimal(700_000), Decimal(7_000))]
    results = promotion_queries.campaign_results(
        campaign=campaign, partners=world.partner_a.__class__.objects.all()
    )
    assert results["total"]["pipeline"] == Decimal(300_000)
    ((_campaign, by_campaign),) = promotion_queries.results_by_campaign(
        campaigns=[campaign], partner_ids=None
    )
    assert (by_campaign["won_revenue"], by_campaign["pipeline"]) == (Decimal(700_000), Decimal(300_000))
    assert dashboard_queries.partner_360(world.partner_a)["deal_totals"]["won_under_review"] == 1
    assert list(queries.partners_with_won_deals()) == [world.partner_a.pk]


# Won revenue summed from the claimed amount is the bug this issue fixed: no code sums it.
RAW_SUM = re.compile(r"""Sum\(\s*["']amount_jpy["']|SUM\(\s*(?:\w+\.)?amount_jpy\b|\.won\(\)""", re.I)


def test_no_code_sums_the_claimed_amount():
    offenders = []
    for folder in ("prm", "partners", "content", "onboarding", "incentives", "promotion", "threads", "dashboard",
                   "bench"):  # fmt: skip
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if RAW_SUM.search(line) and "naive" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_ceiling_message_reads_well_in_both_languages(world):
    deal = DealFactory(partner=world.partner_a, approved=True, amount=Decimal(1_000_000))
    for language, expected in (("ja", "承認済みの金額"), ("en", "at most 3 times the approved amount")):
        with translation.override(language), pytest.raises(services.IncentivesError) as error:
            services.deal_close(deal=deal, user=world.member_a, won=True, amount=Decimal(3_000_001))
        assert expected in str(error.value) and "3,000,000" in str(error.value)


def test_same_type_peers_see_the_reviewed_figures_on_the_leaderboard(world, setting):
    peer = PartnerFactory(partner_type=PartnerType.DELIVERY, country="JP")
    assert peer  # the leaderboard compares partners of one type and country
    services.deal_close(deal=setting["attacked"], user=world.member_a, won=True, amount=Decimal(2_999_999))
    _nightly()
    leaders, _rank, _n = queries.leaderboard(peer)
    assert max(r.won_revenue for r in leaders) == Decimal(4_500_000)
