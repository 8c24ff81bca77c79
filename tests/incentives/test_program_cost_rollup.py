"""The staff overview's program cost roll-up (incentives.rollups) against the earnings."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from incentives import queries, services
from incentives.models import IncentiveProgram, ProgramCost, Statement
from incentives.rollups import program_cost_refresh
from partners.models import Partner
from tests.incentives.factories import DealFactory, ProgramFactory

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


def won(partner, amount, on):
    return DealFactory(
        partner=partner, won=True, closed_on=on, amount=Decimal(amount), amount_jpy=Decimal(amount)
    )


@pytest.fixture
def earnings(world):
    ProgramFactory(
        kind=IncentiveProgram.Kind.SPIFF, amount=Decimal(30_000), name_ja="スピフ", name_en="Spiff"
    )
    ProgramFactory(kind=IncentiveProgram.Kind.REBATE, percent=Decimal(2), amount=0, name_ja="リベート",
                   name_en="Rebate")  # fmt: skip
    for partner, amounts in ((world.partner_a, [1_000_000, 2_000_000]), (world.partner_b, [5_000_000])):
        for amount in amounts:
            won(partner, amount, date(2026, 6, 10))
            won(partner, amount, date(2026, 7, 10))
    services.earnings_compute(period=JUNE)
    services.earnings_compute(period=JULY)
    june_a = Statement.objects.get(partner=world.partner_a, period=JUNE)
    services.statement_approve(statement=june_a, actor=world.manager_a)
    services.statement_mark_paid(statement=june_a, actor=world.manager_a)
    services.statement_approve(statement=Statement.objects.get(partner=world.partner_b, period=JUNE),
                               actor=world.manager_a)  # fmt: skip
    return world


def _normalised(rows):
    keys = ("program_id", "name", "kind", "partners", "lines", "draft", "approved", "paid", "total")
    return [{k: (r[k] or 0) if k in ("draft", "approved", "paid") else r[k] for k in keys} for r in rows]


@pytest.mark.parametrize("scope", ["everyone", "partner_a"])
def test_the_rollup_equals_the_earnings(earnings, scope):
    visible = (
        Partner.objects.all() if scope == "everyone" else Partner.objects.filter(pk=earnings.partner_a.pk)
    )
    rolled = queries.program_cost(visible, lang_en=True)
    assert rolled and _normalised(rolled) == _normalised(
        queries.program_cost_from_earnings(visible, lang_en=True)
    )


def test_the_rollup_has_the_expected_numbers(earnings):
    rows = {r["name"]: r for r in queries.program_cost(Partner.objects.all(), lang_en=True)}
    spiff = rows["Spiff"]
    assert (spiff["partners"], spiff["lines"]) == (2, 6)
    # June: A paid (2 deals), B approved (1 deal); July: all draft (3 deals).
    assert (spiff["paid"], spiff["approved"], spiff["draft"]) == (
        Decimal(60_000),
        Decimal(30_000),
        Decimal(90_000),
    )
    assert rows["Rebate"]["total"] == Decimal(2 * (3_000_000 + 5_000_000) * 2 // 100)


def test_statement_changes_reach_the_rollup_at_once(earnings, client_for):
    july_b = Statement.objects.get(partner=earnings.partner_b, period=JULY)
    before = ProgramCost.objects.get(partner=earnings.partner_b, program__name_en="Spiff")
    services.statement_approve(statement=july_b, actor=earnings.manager_a)
    after = ProgramCost.objects.get(partner=earnings.partner_b, program__name_en="Spiff")
    assert (before.draft, before.approved) == (Decimal(30_000), Decimal(30_000))
    assert (after.draft, after.approved) == (Decimal(0), Decimal(60_000))
    cost = client_for(earnings.superuser).get(reverse("incentives:staff_overview")).context["cost"]
    assert {c["name"]: c["approved"] for c in cost}["スピフ"] == Decimal(60_000)


def test_a_full_rebuild_changes_nothing(earnings):
    before = sorted(
        ProgramCost.objects.values_list("program_id", "partner_id", "lines", "draft", "approved", "paid")
    )
    program_cost_refresh()
    after = sorted(
        ProgramCost.objects.values_list("program_id", "partner_id", "lines", "draft", "approved", "paid")
    )
    assert before == after


@pytest.mark.parametrize("role", ["manager_a", "superuser"])
def test_overview_query_count_does_not_grow(role, earnings, client_for, django_assert_max_num_queries):
    from guardian.shortcuts import assign_perm

    from tests.factories import PartnerFactory

    client = client_for(earnings.user(role))
    url = reverse("incentives:staff_overview")
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for partner in PartnerFactory.create_batch(6):
        assign_perm("partners.manage_partner", earnings.manager_a, partner)
        won(partner, 1_000_000, date(2026, 7, 12))
    services.earnings_compute(period=JULY)
    services.tiers_recompute()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
