"""Credit for every partner on a deal (issue 28, part 4): the registering partner sources the
deal; its admin or the manager names further partners (influenced, delivered/implemented).
Reports show sourced and credited revenue apart (counted figures only), and a tier can count
credited revenue at its own weights in the set-based recomputation."""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from incentives import queries, services
from incentives.models import Deal, DealCredit, PartnerTierState
from partners.models import Partner
from tests.factories import MembershipFactory, PartnerFactory
from tests.incentives.factories import DealFactory

TODAY = date(2026, 12, 6)
INF, DEL = DealCredit.Role.INFLUENCED, DealCredit.Role.DELIVERED


@contextmanager
def refused(match: str):
    """The service's refusal, read in English (a request before it may have switched language)."""
    with translation.override("en"), pytest.raises(services.IncentivesError, match=match):
        yield


def won(partner, amount, *, closed=TODAY - timedelta(days=10), **kwargs):
    return DealFactory(
        partner=partner,
        won=True,
        amount=Decimal(amount),
        amount_jpy=Decimal(amount),
        closed_on=closed,
        **kwargs,
    )


@pytest.fixture
def dataset(world):
    """A sources 10M and 4M (won, counted) and an open 50M; a won 6M still under review.
    B influenced the 10M and the open deal; C delivered the 10M and the 4M."""
    c = PartnerFactory(name="Gamma Delivery", status=Partner.Status.ACTIVE)
    a = world.partner_a
    ten, four = won(a, 10_000_000), won(a, 4_000_000)
    open_deal = DealFactory(
        partner=a, approved=True, amount=Decimal(50_000_000), amount_jpy=Decimal(50_000_000)
    )
    review = DealFactory(
        partner=a,
        stage=Deal.Stage.WON,
        closed_on=TODAY - timedelta(days=3),
        amount=Decimal(6_000_000),
        amount_jpy=Decimal(6_000_000),
    )
    old = won(a, 9_000_000, closed=TODAY - timedelta(days=400))  # outside the 12 months
    for deal, partner, role in (
        (ten, world.partner_b, INF),
        (open_deal, world.partner_b, INF),
        (ten, c, DEL),
        (four, c, DEL),
        (review, c, DEL),
        (old, world.partner_b, INF),
    ):
        services.deal_credit_add(deal=deal, partner=partner, role=role, actor=world.admin_a)
    return {"c": c}


def test_sourced_and_credited_sums_count_reviewed_wins_only(world, dataset):
    c = dataset["c"]
    start = TODAY - timedelta(days=365)
    everyone = queries.credit_revenue(start=start, end=TODAY)
    assert everyone["sourced"] == (2, Decimal(14_000_000))
    assert everyone[INF] == (1, Decimal(10_000_000))
    assert everyone[DEL] == (2, Decimal(14_000_000))
    assert queries.credit_revenue([world.partner_b.pk], start=start, end=TODAY) == {
        "sourced": (0, Decimal(0)),
        INF: (1, Decimal(10_000_000)),
        DEL: (0, Decimal(0)),
    }
    assert queries.credit_revenue([c.pk], start=start, end=TODAY)[DEL] == (2, Decimal(14_000_000))


def test_the_tier_recomputation_counts_credited_revenue_at_the_tiers_weights(world, dataset, tiers):
    c = dataset["c"]
    silver = tiers[1]  # 5M won revenue and 2 won deals... of its own
    silver.min_won_deals = 0
    silver.min_certified_people = 0
    silver.influenced_weight, silver.delivered_weight = Decimal("0.25"), Decimal("0.50")
    silver.save()
    services.tiers_recompute(as_of=TODAY)
    b_state = PartnerTierState.objects.get(partner=world.partner_b)
    c_state = PartnerTierState.objects.get(partner=c)
    assert (b_state.won_revenue, b_state.influenced_revenue, b_state.delivered_revenue) == (0, 10_000_000, 0)
    assert (c_state.won_revenue, c_state.influenced_revenue, c_state.delivered_revenue) == (0, 0, 14_000_000)
    # B: 10M x 0.25 = 2.5M < 5M (entry tier); C: 14M x 0.5 = 7M >= 5M (Silver).
    assert b_state.tier.rank == 0
    assert c_state.tier == silver
    assert queries.revenue_toward(c_state, silver) == Decimal(7_000_000)
    # A second run with the same data changes nothing.
    run = services.tiers_recompute(as_of=TODAY)
    assert run.changes == 0
    # Weight 0 (the default) counts nothing: C falls back (after the grace period).
    silver.delivered_weight = Decimal(0)
    silver.save()
    services.tiers_recompute(as_of=TODAY)
    assert PartnerTierState.objects.get(partner=c).qualified_tier.rank == 0


def test_only_the_admin_or_a_manager_credits_and_the_rules_hold(client, world, tiers):
    deal = DealFactory(partner=world.partner_a, approved=True)
    Partner.objects.filter(pk=world.partner_b.pk).update(directory_listed=True, status=Partner.Status.ACTIVE)
    url = reverse("incentives:deal_credits", args=[deal.pk])
    client.force_login(world.member_a)
    assert client.get(url).status_code == 403
    client.force_login(world.admin_a)
    page = client.get(url)
    assert world.partner_b.name in page.content.decode()
    response = client.post(url, {"partner": world.partner_b.pk, "role": INF})
    assert response.status_code == 302
    assert DealCredit.objects.get(deal=deal).partner == world.partner_b
    # Once only; never the registrant itself; never a rejected deal.
    with refused("already credited"):
        services.deal_credit_add(deal=deal, partner=world.partner_b, role=DEL, actor=world.admin_a)
    with refused("sourcing partner"):
        services.deal_credit_add(deal=deal, partner=world.partner_a, role=DEL, actor=world.admin_a)
    rejected = DealFactory(partner=world.partner_a, status=Deal.Status.REJECTED)
    with refused("rejected"):
        services.deal_credit_add(deal=rejected, partner=world.partner_b, role=DEL, actor=world.admin_a)
    # Removing is audited too, and the credited partner's list no longer shows it.
    credit = DealCredit.objects.get(deal=deal)
    assert client.post(url, {"remove": credit.pk}).status_code == 302
    assert not DealCredit.objects.filter(deal=deal).exists()


def test_a_partner_admin_cannot_credit_a_partner_outside_the_directory(client, world, tiers):
    deal = DealFactory(partner=world.partner_a, approved=True)
    Partner.objects.filter(pk=world.partner_b.pk).update(directory_listed=False)
    client.force_login(world.admin_a)
    response = client.post(
        reverse("incentives:deal_credits", args=[deal.pk]), {"partner": world.partner_b.pk, "role": INF}
    )
    assert response.status_code == 400
    assert not DealCredit.objects.exists()


def test_a_manager_credits_only_partners_in_scope(client, world, tiers):
    deal = DealFactory(partner=world.partner_a, approved=True)
    url = reverse("incentives:staff_deal_credits", args=[deal.pk])
    client.force_login(world.manager_a)  # assigned to A only: B is outside the scope
    assert client.post(url, {"partner": world.partner_b.pk, "role": INF}).status_code == 400
    assert not DealCredit.objects.exists()
    inside = PartnerFactory(status=Partner.Status.ACTIVE)
    from guardian.shortcuts import assign_perm

    assign_perm("partners.manage_partner", world.manager_a, inside)
    assert client.post(url, {"partner": inside.pk, "role": DEL}).status_code == 302
    assert DealCredit.objects.get(deal=deal).partner == inside


def test_the_credited_partner_sees_a_minimal_row_and_nothing_of_the_deal_page(client, world, tiers):
    deal = won(world.partner_a, 3_300_000, customer_company="Visible Customer 41d2", notes="Hidden note 9e0a")
    services.deal_credit_add(deal=deal, partner=world.partner_b, role=DEL, actor=world.admin_a)
    client.force_login(world.admin_b)
    page = client.get(reverse("incentives:credited_deals")).content.decode()
    assert "Visible Customer 41d2" in page and "3,300,000" in page
    assert "Hidden note 9e0a" not in page and world.partner_a.name not in page
    assert client.get(reverse("incentives:deal_detail", args=[deal.pk])).status_code == 404


def test_the_credited_list_reads_a_fixed_number_of_queries(
    client, world, tiers, django_assert_max_num_queries
):
    member_b = MembershipFactory(partner=world.partner_b).user
    client.force_login(member_b)

    def credit(n):
        for _ in range(n):
            deal = DealFactory(partner=world.partner_a, approved=True)
            services.deal_credit_add(deal=deal, partner=world.partner_b, role=INF, actor=world.admin_a)

    client.get(reverse("incentives:credited_deals"))  # the session; each credit below bumps B's cache scope
    credit(2)
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("incentives:credited_deals"))
    credit(8)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("incentives:credited_deals"))
    assert response.content.count(b'data-testid="credited-row"') == 10


def test_the_deal_page_lists_the_credited_partners(client, world, tiers):
    deal = DealFactory(partner=world.partner_a, approved=True)
    services.deal_credit_add(deal=deal, partner=world.partner_b, role=INF, actor=world.admin_a)
    world.member_a.language = "en"
    world.member_a.save()
    client.force_login(world.member_a)
    page = client.get(reverse("incentives:deal_detail", args=[deal.pk])).content.decode()
    assert world.partner_b.name in page and "Influenced" in page
    assert "Partner credited" in page  # the history
