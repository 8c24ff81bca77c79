"""Scorecard: tier, progress and gap in words, chart data, earnings; leaderboard privacy."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from incentives import queries, services
from incentives.models import PartnerTierState
from partners.models import PartnerType
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory


def test_gap_in_words_english_and_japanese(tiers):
    state = PartnerTierState(
        won_revenue=Decimal(16_800_000), won_deals=5, certified_people=1, onboarding_completed=True
    )
    with translation.override("en"):
        assert queries.gap_in_words(state, tiers[2]) == (
            "2 more certified people and 3.2M JPY won revenue to reach Gold"
        )
    with translation.override("ja"):
        text = queries.gap_in_words(state, tiers[2])
    assert "ゴールド" in text and "320万円" in text and "2名" in text


def test_gap_mentions_single_person_and_onboarding(tiers):
    state = PartnerTierState(won_revenue=Decimal(20_000_000), won_deals=4, certified_people=2)
    with translation.override("en"):
        text = queries.gap_in_words(state, tiers[2])
    assert text == "1 more certified person, 1 more won deal and completing onboarding to reach Gold"


def test_progress_bars(tiers):
    state = PartnerTierState(won_revenue=Decimal(2_500_000), won_deals=1, certified_people=1)
    rows = {p.key: p for p in queries.progress_to(state, tiers[1])}
    assert rows["won_revenue"].percent == 50 and not rows["won_revenue"].met
    assert rows["won_deals"].percent == 50
    assert rows["certified_people"].met


def test_revenue_by_month_fills_gaps(db):
    partner = PartnerFactory()
    today = date(2026, 6, 15)
    DealFactory(partner=partner, won=True, closed_on=date(2026, 6, 1), amount_jpy=Decimal(100))
    DealFactory(partner=partner, won=True, closed_on=date(2026, 6, 2), amount_jpy=Decimal(50))
    DealFactory(partner=partner, won=True, closed_on=date(2026, 3, 9), amount_jpy=Decimal(70))
    DealFactory(won=True, closed_on=date(2026, 6, 1), amount_jpy=Decimal(999))  # another partner
    series = queries.revenue_by_month(partner, today=today)
    assert len(series) == 12 and series[0][0] == date(2025, 7, 1)
    assert series[-1] == (date(2026, 6, 1), Decimal(150), 2)
    assert series[-4] == (date(2026, 3, 1), Decimal(70), 1)


def test_scorecard_shows_tier_benefits_chart_and_gap(world, client_for, tiers):
    DealFactory(partner=world.partner_a, won=True, amount_jpy=Decimal(1_000_000))
    services.tiers_recompute()
    world.member_a.language = "en"
    world.member_a.save()
    response = client_for(world.member_a).get(reverse("incentives:scorecard"))
    text = response.getvalue().decode()
    assert response.status_code == 200
    assert 'data-testid="current-tier">Registered' in text
    assert "to reach Silver" in text
    assert (
        "data:image/svg+xml;base64," in text and 'data-testid="revenue-table"' in text
    )  # chart as an image (CSP)
    for tier in ("Registered", "Silver", "Gold", "Platinum"):
        assert tier in text


@pytest.mark.parametrize("count", [2, 20])
def test_scorecard_query_count_is_flat(world, client_for, tiers, django_assert_max_num_queries, count):
    for _i in range(count):
        DealFactory(partner=world.partner_a, won=True, amount_jpy=Decimal(1_000))
        DealFactory(partner=PartnerFactory(partner_type=world.partner_a.partner_type, country="JP"), won=True)
    services.tiers_recompute()
    client = client_for(world.member_a)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("incentives:scorecard")).status_code == 200


def _peer(name, revenue, opt_in, ptype=PartnerType.DELIVERY, country="JP"):
    partner = PartnerFactory(name=name, partner_type=ptype, country=country)
    PartnerTierState.objects.create(partner=partner, won_revenue=Decimal(revenue), leaderboard_opt_in=opt_in)
    return partner


def test_leaderboard_hides_names_unless_opted_in(world, client_for, tiers):
    world.partner_a.country = "JP"
    world.partner_a.save()
    PartnerTierState.objects.create(partner=world.partner_a, won_revenue=Decimal(5_000))
    _peer("Opted In Peer", 9_000, True)
    _peer("Shy Peer", 7_000, False)
    _peer("Other Type Peer", 99_000, True, ptype=PartnerType.SALES)
    _peer("Other Region Peer", 99_000, True, country="US")
    rows, own_rank, peers = queries.leaderboard(world.partner_a)
    assert [r.named for r in rows] == [True, False, True]
    assert own_rank == 3 and peers == 3
    text = client_for(world.member_a).get(reverse("incentives:scorecard")).getvalue().decode()
    assert "Opted In Peer" in text and "Shy Peer" not in text and "Other Type Peer" not in text
    assert world.SECRET_A in text


def test_partner_a_name_is_hidden_from_peers_until_opt_in(world, client_for, tiers):
    world.partner_b.partner_type = world.partner_a.partner_type
    world.partner_b.save()
    PartnerTierState.objects.create(partner=world.partner_a, won_revenue=Decimal(5_000))
    PartnerTierState.objects.create(partner=world.partner_b, won_revenue=Decimal(1_000))
    client_b = client_for(world.admin_b)
    assert world.SECRET_A not in client_b.get(reverse("incentives:scorecard")).getvalue().decode()
    # Only partner A's admin can opt in; a member cannot.
    assert (
        client_for(world.member_a)
        .post(reverse("incentives:leaderboard_opt_in"), {"opted_in": "on"})
        .status_code
        == 403
    )
    client_for(world.admin_a).post(reverse("incentives:leaderboard_opt_in"), {"opted_in": "on"})
    assert world.SECRET_A in client_b.get(reverse("incentives:scorecard")).getvalue().decode()
    client_for(world.admin_a).post(reverse("incentives:leaderboard_opt_in"), {})
    assert world.SECRET_A not in client_b.get(reverse("incentives:scorecard")).getvalue().decode()


def test_downgrade_warning_on_scorecard(world, client_for, tiers):
    PartnerTierState.objects.create(
        partner=world.partner_a,
        tier=tiers[1],
        qualified_tier=tiers[0],
        downgrade_pending_since=date.today() - timedelta(days=10),
    )
    text = client_for(world.member_a).get(reverse("incentives:scorecard")).getvalue().decode()
    assert 'data-testid="downgrade-warning"' in text
    on = date.today() + timedelta(days=80)
    assert f"{on.year}年{on.month}月{on.day}日" in text  # a date in a sentence: DATE_FORMAT


def test_home_panel_shows_tier_and_gap(world, client_for, tiers):
    services.tiers_recompute()
    text = client_for(world.member_a).get(reverse("home")).getvalue().decode()
    assert 'data-testid="tier-panel"' in text and "登録" in text and "シルバー" in text


def test_contract_queries(world, tiers):
    DealFactory(partner=world.partner_a, won=True)
    DealFactory(partner=world.partner_a, won=True)
    DealFactory(partner=world.partner_b)
    services.tiers_recompute()
    assert list(queries.partners_with_won_deals()) == [world.partner_a.pk]
    assert queries.partner_tier(world.partner_a) == tiers[0]
    assert queries.partner_tier_map() == {world.partner_a.pk: 0, world.partner_b.pk: 0}
    assert queries.partner_tier(PartnerFactory()) is None


def test_staff_overview_and_exports(world, client_for, tiers):
    services.tiers_recompute()
    client = client_for(world.manager_a)
    response = client.get(reverse("incentives:staff_overview"))
    assert response.status_code == 200
    assert response.context["distribution"][0][1] == 1  # only partner A is visible to manager_a
    for export in ("distribution", "movements", "changes", "cost"):
        response = client.get(reverse("incentives:staff_overview"), {"export": export})
        assert response["Content-Type"].startswith("text/csv")
    body = client.get(reverse("incentives:staff_overview"), {"export": "changes"}).getvalue().decode()
    assert world.SECRET_A in body and "Beta Holdings" not in body


def test_staff_home_links_for_managers_only(world, client_for):
    from tests.incentives.factories import DealFactory

    DealFactory(partner=world.partner_a)
    text = client_for(world.manager_a).get(reverse("staff_home")).getvalue().decode()
    assert reverse("incentives:staff_deals") in text and "1" in text
    text = client_for(world.support).get(reverse("staff_home")).getvalue().decode()
    assert reverse("incentives:staff_deals") not in text


def test_manager_recomputes_from_the_staff_page(world, client_for, tiers, django_capture_on_commit_callbacks):
    client = client_for(world.manager_a)
    assert client.get(reverse("incentives:staff_recompute")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incentives:staff_recompute"))
    assert response.status_code == 302
    run = services.RecomputationRun.objects.get()
    assert run.triggered_by == world.manager_a
    assert PartnerTierState.objects.filter(partner=world.partner_a, tier=tiers[0]).exists()


@pytest.mark.parametrize("partners", [1, 12])
def test_staff_overview_query_count_is_flat(
    world, client_for, tiers, django_assert_max_num_queries, partners
):
    from guardian.shortcuts import assign_perm

    for _i in range(partners):
        partner = PartnerFactory()
        assign_perm("partners.manage_partner", world.manager_a, partner)
        DealFactory(partner=partner, won=True, amount_jpy=Decimal(6_000_000))
    services.tiers_recompute()
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("incentives:staff_overview")).status_code == 200
