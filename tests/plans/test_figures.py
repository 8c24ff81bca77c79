"""Progress figures on known data sets: each goal kind, the fiscal year's quarters (April
start), reviewed revenue only, one query per kind."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from incentives.models import Deal
from leads import services as lead_services
from plans import goals, queries
from plans.fiscal import fiscal_year_of, quarter_of, quarter_span, year_span
from plans.models import PlanGoal
from tests.incentives.factories import DealFactory
from tests.leads.helpers import at, manager, new_lead
from tests.plans.factories import draft
from tests.promotion.factories import CampaignFactory, ParticipationFactory
from tests.training.factories import UserCertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def april(settings):
    settings.PRM_FISCAL_YEAR_START_MONTH = 4


def test_quarters_of_a_fiscal_year_starting_in_april(settings):
    assert year_span(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert quarter_span(2025, 1) == (date(2025, 4, 1), date(2025, 6, 30))
    assert quarter_span(2025, 4) == (date(2026, 1, 1), date(2026, 3, 31))
    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert quarter_of(date(2025, 7, 1)) == (2025, 2)
    assert quarter_of(date(2026, 1, 1)) == (2025, 4)
    settings.PRM_FISCAL_YEAR_START_MONTH = 1
    assert year_span(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 12, 31)) == (2026, 4)


def won(partner, amount, closed_on, **kwargs):
    return DealFactory(partner=partner, won=True, amount=Decimal(amount), closed_on=closed_on, **kwargs)


def test_revenue_and_deals_count_only_reviewed_wins_inside_the_period(world):
    fy = fiscal_year_of(timezone.localdate()) - 1  # a year that is over
    a, b = world.partner_a, world.partner_b
    q1, q2 = quarter_span(fy, 1), quarter_span(fy, 2)
    won(a, 1_000_000, q1.end)  # last day of Q1
    won(a, 2_000_000, q2.start)  # first day of Q2
    won(a, 4_000_000, year_span(fy).start - timedelta(days=1))  # the year before
    won(a, 8_000_000, year_span(fy).end + timedelta(days=1))  # the year after
    # A win still under review: claimed, not counted.
    DealFactory(
        partner=a, stage=Deal.Stage.WON, status=Deal.Status.SUBMITTED, closed_on=q1.end, amount=16_000_000
    )
    won(b, 32_000_000, q1.end)
    ids = [a.pk, b.pk]
    year = year_span(fy)
    assert goals.won_revenue(ids, *year) == {a.pk: 3_000_000, b.pk: 32_000_000}
    assert goals.won_revenue(ids, *q1) == {a.pk: 1_000_000, b.pk: 32_000_000}
    assert goals.won_revenue([a.pk], *q2) == {a.pk: 2_000_000}
    assert goals.deals_won([a.pk], *year) == {a.pk: 2}
    assert goals.deals_won([a.pk], *quarter_span(fy, 3)) == {}


def test_certified_people_and_campaigns_run(world):
    fy = fiscal_year_of(timezone.localdate()) - 1
    a = world.partner_a
    end = year_span(fy).end
    UserCertificationFactory(partner=a, user=world.admin_a, issued_on=end - timedelta(days=10))
    UserCertificationFactory(partner=a, user=world.admin_a, issued_on=end - timedelta(days=20))  # same person
    UserCertificationFactory(partner=a, user=world.member_a, issued_on=end - timedelta(days=400))  # expired
    assert goals.certified_people([a.pk], *year_span(fy)) == {a.pk: 1}
    q2 = quarter_span(fy, 2)
    ParticipationFactory(partner=a, campaign=CampaignFactory(starts_on=q2.start, ends_on=q2.end))
    ParticipationFactory(partner=a, campaign=CampaignFactory(starts_on=q2.end, ends_on=q2.end))
    left = ParticipationFactory(partner=a, campaign=CampaignFactory(starts_on=q2.start, ends_on=q2.end))
    left.opted_out_at = timezone.now()
    left.save()
    ParticipationFactory(
        partner=a, campaign=CampaignFactory(starts_on=q2.start - timedelta(days=1), ends_on=q2.end)
    )
    assert goals.campaigns_run([a.pk], *q2) == {a.pk: 2}
    assert goals.campaigns_run([a.pk], *year_span(fy)) == {a.pk: 3}


def test_every_goal_kind_has_its_figure_in_the_models_order():
    assert [kind.code for kind in goals.available()] == list(PlanGoal.Kind.values)


def test_leads_accepted_counts_the_offers_accepted_in_the_period(world):
    boss = manager()
    inside, outside = new_lead(boss), new_lead(boss)
    declined = new_lead(boss)
    lead_services.lead_offer(lead=inside, partner=world.partner_a, actor=boss, now=at(2025, 6, 2, 9))
    lead_services.lead_accept(lead=inside, user=world.admin_a, now=at(2025, 6, 2, 10))
    lead_services.lead_offer(lead=outside, partner=world.partner_a, actor=boss, now=at(2025, 3, 30, 9))
    lead_services.lead_accept(lead=outside, user=world.admin_a, now=at(2025, 3, 31, 10))  # last FY
    lead_services.lead_offer(lead=declined, partner=world.partner_a, actor=boss, now=at(2025, 6, 2, 9))
    lead_services.lead_decline(
        lead=declined, user=world.admin_a, reason="Out of area", now=at(2025, 6, 2, 11)
    )
    figure = goals.kind_of(PlanGoal.Kind.LEADS_ACCEPTED).figure
    assert figure([world.partner_a.pk, world.partner_b.pk], *year_span(2025)) == {world.partner_a.pk: 1}


def test_plan_progress_one_query_per_kind(world, django_assert_num_queries):
    plan = draft(
        world.partner_a,
        world.admin_a,
        goals=[
            {"kind": "revenue", "target": Decimal(10_000_000), "q1": 2, "q2": 2, "q3": 3, "q4": 3},
            {"kind": "deals_won", "target": Decimal(10), "q1": 2, "q2": 2, "q3": 3, "q4": 3},
            {"kind": "certified_people", "target": Decimal(4)},
            {"kind": "campaigns_run", "target": Decimal(2)},
        ],
    )
    today = timezone.localdate()
    won(world.partner_a, 2_500_000, today)
    won(world.partner_a, 2_500_000, today)
    # The goals, four kinds for the year, two quarterly targets for the current quarter.
    with django_assert_num_queries(7):
        rows = queries.progress(plan)
    by_kind = {row.goal.kind: row for row in rows}
    assert by_kind["revenue"].actual == 5_000_000
    assert by_kind["revenue"].percent == 50
    assert by_kind["deals_won"].actual == 2
    assert by_kind["deals_won"].quarter_actual == 2
    assert by_kind["certified_people"].quarter is None
