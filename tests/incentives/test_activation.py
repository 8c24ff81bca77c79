"""Activation (issue 28, part 5): days from a partner's approval to its first registered,
approved and won deal; the 60- and 90-day activation rates by cohort (month approved),
source and type; partners that finished onboarding but registered no deal in the target are
at risk. The dashboard reads the per-partner roll-up (incentives.rollups.activation_refresh),
which equals the raw aggregate it is built from."""

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from incentives import queries, rollups
from incentives.models import Deal
from onboarding import queries as onboarding_queries
from onboarding.models import OnboardingPlan
from partners.models import Application, Partner, PartnerType, Source
from prm.ui.registry import BlockQuery
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory
from tests.onboarding.factories import PlanFactory
from tests.partners.factories import ApplicationFactory

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 12, 6)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=TOKYO)


def approved(day: date, *, source=Source.REFERRAL, **kwargs) -> Partner:
    partner = PartnerFactory(**kwargs)
    ApplicationFactory(partner=partner, status=Application.Status.APPROVED, decided_at=at(day), source=source)
    return partner


def deal(partner, registered: date, *, approved_on: date | None = None, won_on: date | None = None):
    if won_on:
        made = DealFactory(partner=partner, won=True, closed_on=won_on, amount_jpy=Decimal(1_000_000))
    elif approved_on:
        made = DealFactory(partner=partner, approved=True)
    else:
        made = DealFactory(partner=partner)
    Deal.objects.filter(pk=made.pk).update(
        created_at=at(registered), first_approved_at=at(approved_on) if approved_on else None
    )
    return made


@pytest.fixture
def cohorts(db):
    """August: four partners from referrals (approved on 1 Aug); November: one delivery
    partner without an application (created on 1 Nov)."""
    aug = date(2026, 8, 1)
    p1, p2, p3, p4 = (approved(aug) for _ in range(4))
    deal(p1, date(2026, 8, 21), approved_on=date(2026, 8, 25), won_on=date(2026, 10, 1))  # 20 / 24 / 61 days
    deal(p1, date(2026, 9, 30))  # a later registration changes nothing
    deal(p2, date(2026, 10, 10), approved_on=date(2026, 10, 12))  # 70 / 72 days: within 90, not 60
    Partner.objects.filter(pk=p3.pk).update(onboarding_completed_on=date(2026, 9, 15))  # no deal: at risk
    p3.refresh_from_db()
    p5 = PartnerFactory(partner_type=PartnerType.DELIVERY)
    Partner.objects.filter(pk=p5.pk).update(created_at=at(date(2026, 11, 1)))
    deal(p5, date(2026, 11, 5))  # 4 days; November is not 60 days old yet
    ids = [p.pk for p in (p1, p2, p3, p4, p5)]
    return {"ids": ids, "p3": p3, "p1": p1}


def block_query(ids) -> BlockQuery:
    return BlockQuery(
        partners=ids,
        partner_ids=ids,
        start=date(2026, 1, 1),
        today=TODAY,
        start_at=at(date(2026, 1, 1)),
        end_at=at(TODAY),
    )


EXPECTED_COHORTS = [
    ["2026-08", 4, "25% (1/4)", "50% (2/4)", "45", "48", "61", 1],
    ["2026-11", 1, "–", "–", "4", "–", "–", 0],
]


def test_activation_rates_by_cohort(cohorts):
    with translation.override("en"):
        block = queries.activation_block(block_query(cohorts["ids"]))
    assert block["rows"] == EXPECTED_COHORTS
    assert block["series"]["Within 60 days (%)"] == [25, None]
    assert block["series"]["Within 90 days (%)"] == [50, None]


def test_activation_by_source_and_type(cohorts):
    with translation.override("en"):
        rows = queries.activation_groups_block(block_query(cohorts["ids"]))["rows"]
    assert rows == [
        ["Source: no application", 1, "–", "–", "4", "–", "–", 0],
        ["Source: Referral", 4, "25% (1/4)", "50% (2/4)", "45", "48", "61", 1],
        ["Type: Delivery & implementation", 1, "–", "–", "4", "–", "–", 0],
        ["Type: Sales expansion", 4, "25% (1/4)", "50% (2/4)", "45", "48", "61", 1],
    ]


def test_the_rollup_equals_the_raw_aggregate(cohorts):
    before = queries.activation_block(block_query(cohorts["ids"]))["rows"]  # from the raw rows
    assert rollups.activation_refresh() == Partner.objects.count()
    assert queries.activation_rollup_rows() == queries.activation_raw()
    after = queries.activation_block(block_query(cohorts["ids"]))
    assert after["rows"] == before
    # A new registration shows after the next refresh.
    deal(cohorts["p3"], TODAY)
    assert queries.activation_rollup_rows() != queries.activation_raw()
    rollups.activation_refresh()
    assert queries.activation_rollup_rows() == queries.activation_raw()


def test_one_partners_activation(cohorts):
    p1 = queries.partner_activation(cohorts["p1"], today=TODAY)
    assert (p1.days_to_registered, p1.days_to_approved, p1.days_to_won) == (20, 24, 61)
    assert p1.activated_in_target and not p1.at_risk
    p3 = queries.partner_activation(cohorts["p3"], today=TODAY)
    assert p3.at_risk and p3.days_to_registered is None and p3.days_left < 0
    # Before the target has passed, a partner without a deal is not at risk yet.
    assert not queries.partner_activation(cohorts["p3"], today=date(2026, 9, 29)).at_risk


def test_cohorts_reach_back_90_days_before_the_period(cohorts):
    """A "last 90 days" dashboard still shows the cohorts whose 60- and 90-day rates exist."""
    query = replace(block_query(cohorts["ids"]), start=date(2026, 10, 31))  # 1 Aug: 91 days before
    assert [row[0] for row in queries.activation_block(query)["rows"]] == ["2026-11"]
    query = replace(query, start=date(2026, 10, 30))  # 1 August is exactly 90 days before
    assert [row[0] for row in queries.activation_block(query)["rows"]] == ["2026-08", "2026-11"]


def test_the_block_narrows_to_the_viewers_partners(cohorts):
    only_p5 = queries.activation_block(block_query([cohorts["ids"][-1]]))
    assert [row[0] for row in only_p5["rows"]] == ["2026-11"]


def test_the_onboarding_plans_page_flags_onboarded_partners_without_a_deal(cohorts):
    """Managers see at-risk plans on the staff plans page (risk filter): a completed plan
    whose partner registered no deal within the target is flagged `no_deal`."""
    aug = date(2026, 8, 1)
    done = {"status": OnboardingPlan.Status.COMPLETED, "completed_on": date(2026, 9, 15)}
    flagged = PlanFactory(partner=cohorts["p3"], started_on=aug, **done)
    sold = PlanFactory(partner=cohorts["p1"], started_on=aug, **done)
    young = PlanFactory(started_on=TODAY, **{**done, "completed_on": TODAY})  # target not passed
    rows = onboarding_queries.plans_with_progress(OnboardingPlan.objects.all(), today=TODAY)
    risky = set(rows.filter(onboarding_queries.RISKS["no_deal"]).values_list("pk", flat=True))
    assert flagged.pk in risky and sold.pk not in risky and young.pk not in risky
    assert flagged.pk in set(rows.filter(onboarding_queries.RISKS["any"]).values_list("pk", flat=True))
