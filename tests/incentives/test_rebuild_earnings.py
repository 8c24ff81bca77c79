"""Operators' path for existing data (docs/operations.md): the migration fills the reviewed
figures of existing deals, and `manage.py rebuild_earnings` rebuilds draft earnings from them
without touching approved or paid statements."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from incentives import services
from incentives.models import Deal, Earning, IncentiveProgram, Statement
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory, ProductFactory, ProgramFactory

# The state before the reviewed figures: both roll-up migrations, which 0011 follows.
BEFORE = [("incentives", "0009_deal_rollup"), ("incentives", "0009_program_cost_rollup")]


def test_rebuild_earnings_corrects_drafts_and_leaves_approved_statements(db, world):
    today = timezone.localdate()
    month = today.replace(day=1)
    ProgramFactory(
        kind=IncentiveProgram.Kind.REBATE,
        percent=Decimal(5),
        amount=0,
        starts_on=date(today.year - 1, 1, 1),
        ends_on=date(today.year + 1, 12, 31),
    )
    honest, frozen = PartnerFactory(), PartnerFactory()
    deal = DealFactory(partner=honest, won=True, amount=Decimal(1_000_000), closed_on=today)
    paid = DealFactory(partner=frozen, won=True, amount=Decimal(2_000_000), closed_on=today)
    program = IncentiveProgram.objects.get()
    # Lines as the old nightly run left them: the inflated claim in a draft, and an approved one.
    draft = Statement.objects.create(partner=honest, period=month, total=Decimal(50_000_000_000))
    Earning.objects.create(
        statement=draft,
        program=program,
        deal=deal,
        partner=honest,
        basis=Decimal(999_999_999_999),
        amount=Decimal(49_999_999_950),
    )
    approved = Statement.objects.create(
        partner=frozen, period=month, status=Statement.Status.APPROVED, total=Decimal(1)
    )
    Earning.objects.create(statement=approved, program=program, deal=paid, partner=frozen, basis=1, amount=1)
    out = StringIO()
    call_command("rebuild_earnings", "--no-tiers", stdout=out)
    assert f"{month:%Y-%m}: " in out.getvalue() and "deal roll-up rebuilt" in out.getvalue()
    line = Earning.objects.get(deal=deal)
    assert (line.basis, line.amount) == (Decimal(1_000_000), Decimal(50_000))
    draft.refresh_from_db()
    assert draft.total == Decimal(50_000)
    assert Earning.objects.get(deal=paid).amount == 1 and Statement.objects.get(pk=approved.pk).total == 1
    call_command("rebuild_earnings", "--no-tiers", stdout=StringIO())  # a repeat changes nothing
    assert Earning.objects.get(deal=deal).pk == line.pk and Earning.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("rebuild_earnings", since="2026/1", stdout=StringIO())


def test_earnings_rebuild_runs_month_by_month(db):
    ProgramFactory(kind=IncentiveProgram.Kind.SPIFF, amount=Decimal(10_000))
    partner = PartnerFactory()
    for day in (date(2026, 3, 5), date(2026, 5, 5)):
        DealFactory(partner=partner, won=True, closed_on=day)
    rows = services.earnings_rebuild(first=date(2026, 3, 1), last=date(2026, 5, 31))
    assert [r["period"] for r in rows] == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert sorted(Statement.objects.values_list("period", "total")) == [
        (date(2026, 3, 1), Decimal(10_000)),
        (date(2026, 5, 1), Decimal(10_000)),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_reviewed_figures_of_existing_deals():
    # Made with today's models before going back: later migrations add columns (updated_at)
    # that the old tables do not have; the rows stay.
    partner = PartnerFactory()
    product = ProductFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldDeal = old.get_model("incentives", "Deal")
    common = {
        "partner_id": partner.pk,
        "product_id": product.pk,
        "customer_domain": "x.example.jp",
        "contact_name": "x",
        "expected_close_date": date(2026, 6, 1),
    }

    def deal(name, amount, **kw):
        row = {"customer_company": name, "company_key": name, "amount": amount, "amount_jpy": amount}
        return OldDeal.objects.create(**common, **row, **kw).pk

    won = {"stage": "won", "closed_on": date(2026, 6, 1)}
    protected = {**won, "protected_until": date(2026, 7, 1)}
    approved_million = {"approved_amount": 1_000_000, "approved_currency": "JPY"}
    honest = deal("honest", 1_000_000, status="approved", **protected, **approved_million)
    legacy = deal("legacy", 500_000, status="approved", **protected)
    inflated = deal(
        "inflated", 9_000_000, status="rejected", **protected, approved_amount=1_000, approved_currency="USD"
    )
    pending = deal("pending", 7_000_000, status="submitted", **won, **approved_million)
    rejected = deal("rejected", 3_000_000, status="rejected", stage="qualifying")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # through 0011's backfill
        rows = {
            d.pk: (d.status, d.amount, d.amount_jpy, d.approved_amount_jpy, d.counted_amount_jpy)
            for d in Deal.objects.filter(partner_id=partner.pk)
        }
        assert rows[honest] == ("approved", 1_000_000, 1_000_000, 1_000_000, 1_000_000)
        assert rows[legacy] == ("approved", 500_000, 500_000, 500_000, 500_000)
        assert rows[inflated] == ("approved", 1_000, 150_000, 150_000, 150_000)  # restored, USD at 150
        assert rows[pending] == ("submitted", 7_000_000, 7_000_000, 1_000_000, None)
        assert rows[rejected] == ("rejected", 3_000_000, 3_000_000, None, None)
    finally:
        Deal.objects.filter(partner_id=partner.pk).delete()
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
