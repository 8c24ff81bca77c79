"""Incentives' roll-ups: set-based rebuilds of small tables that sum the deals and earnings
(docs/patterns.md, "Portal registries"; the models are in incentives/models.py).

- `deal_rollup_refresh`: `PartnerDealRollup` (per partner: deals under review, approved open
  deals and their pipeline) and `PartnerDealMonth` (counted won deals per partner and month
  closed), for the channel dashboard's deals block. Aggregating a million raw deals per view
  costs ~60 ms; the roll-ups hold the same numbers per partner. Hourly (beat); the block says
  when they were refreshed (`queries.deal_rollup_refreshed_at`) and its cache key follows it.
- `program_cost_refresh`: `ProgramCost` (per program and partner, by statement status) for the
  staff tier overview (229,000 earnings at the large size: ~200 ms per view when summed live).
  Rebuilt for the partners concerned by every service that writes earnings or changes a
  statement's status, so it is never behind them; no beat entry.
"""

from django.db import connection, transaction
from django.utils import timezone

from incentives.models import Deal, Earning, PartnerDealMonth, PartnerDealRollup, ProgramCost, Statement

ROLLUP_LOCK = 0x1DEA1_2011


def deal_rollup_refresh() -> int:
    """Rebuild both deal roll-ups from the deals (one DELETE and one INSERT ... SELECT each, in
    one transaction, whatever the number of partners). Returns the number of partner rows."""
    St, Sg = Deal.Status, Deal.Stage
    now = timezone.now()
    deals, rollup, months = (
        Deal._meta.db_table,
        PartnerDealRollup._meta.db_table,
        PartnerDealMonth._meta.db_table,
    )
    open_sql = "(status = %s AND stage IN %s)"
    open_p = [St.APPROVED, tuple(Deal.OPEN_STAGES)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])  # one rebuild at a time
        # Table names from _meta and fixed fragments only; every value is a parameter.
        cursor.execute(f"DELETE FROM {rollup}")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {rollup} (partner_id, submitted, open_count, open_amount, refreshed_at)
                SELECT partner_id, COUNT(*) FILTER (WHERE status = %s), COUNT(*) FILTER (WHERE {open_sql}),
                       COALESCE(SUM(approved_amount_jpy) FILTER (WHERE {open_sql}), 0), %s
                FROM {deals} WHERE status = %s OR {open_sql} GROUP BY partner_id""",  # noqa: S608
            [St.SUBMITTED, *open_p, *open_p, now, St.SUBMITTED, *open_p],
        )
        partners = cursor.rowcount
        cursor.execute(f"DELETE FROM {months}")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {months} (partner_id, month, won_count, won_amount)
                SELECT partner_id, date_trunc('month', closed_on)::date, COUNT(*), SUM(counted_amount_jpy)
                FROM {deals} WHERE stage = %s AND counted_amount_jpy IS NOT NULL GROUP BY 1, 2""",  # noqa: S608
            [Sg.WON],
        )
        cursor.execute(f"ANALYZE {rollup}")
        cursor.execute(f"ANALYZE {months}")
    return partners


def program_cost_refresh(*, partner_ids=None) -> int:
    """Rebuild the program cost rows of `partner_ids` (every partner when None) from the
    earnings: one DELETE and one INSERT ... SELECT. Returns the number of rows written."""
    costs, earnings, statements = (
        ProgramCost._meta.db_table,
        Earning._meta.db_table,
        Statement._meta.db_table,
    )
    where, params = "", []
    if partner_ids is not None:
        where, params = "WHERE partner_id = ANY(%s)", [list(partner_ids)]
    S = Statement.Status
    with transaction.atomic(), connection.cursor() as cur:
        # Table names from _meta and fixed fragments only; every value is a parameter.
        cur.execute(f"DELETE FROM {costs} {where}", params)  # noqa: S608
        cur.execute(
            f"""
            INSERT INTO {costs} (program_id, partner_id, lines, draft, approved, paid, computed_at)
            SELECT e.program_id, e.partner_id, count(*),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = %s), 0),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = %s), 0),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = %s), 0),
                   now()
              FROM {earnings} e
              JOIN {statements} s ON s.id = e.statement_id
              {where.replace("partner_id", "e.partner_id")}
             GROUP BY e.program_id, e.partner_id
            """,  # noqa: S608
            [S.DRAFT, S.APPROVED, S.PAID, *params],
        )
        return cur.rowcount
