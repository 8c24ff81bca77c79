"""Program cost per partner: a roll-up of earnings for the staff tier overview.

The overview's "program cost" table summed every earning joined to its statement (229,000
earnings at the large size: ~200 ms per page view). `ProgramCost` holds one row per
(program, partner) with the amounts by statement status. It is rebuilt set-based, for the
partners concerned, by every service that writes earnings or changes a statement's status
(`earnings_compute`, `statement_approve`, `statement_mark_paid`), so it is never behind them;
`devtools.scaleseed` rebuilds it for everyone after inserting earnings directly.

A module of its own (not `models.py`): the channel dashboard's per-partner deal roll-up is
a different table.
"""

from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgramCost(models.Model):
    program = models.ForeignKey(
        "incentives.IncentiveProgram", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    lines = models.PositiveIntegerField(_("earning lines"))
    draft = models.DecimalField(_("draft (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    approved = models.DecimalField(_("approved (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    paid = models.DecimalField(_("paid (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        app_label = "incentives"
        verbose_name = _("program cost")
        verbose_name_plural = _("program costs")
        constraints = [models.UniqueConstraint(fields=["program", "partner"], name="programcost_unique")]
        indexes = [models.Index(fields=["partner"], name="programcost_partner")]

    def __str__(self):
        return f"{self.program_id}/{self.partner_id}: {self.lines} lines"


def program_cost_refresh(*, partner_ids=None) -> int:
    """Rebuild the rows of `partner_ids` (every partner when None) from the earnings: one
    DELETE and one INSERT ... SELECT. Returns the number of rows written."""
    where, params = "", []
    if partner_ids is not None:
        where, params = "WHERE partner_id = ANY(%s)", [list(partner_ids)]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM incentives_programcost {where}", params)  # noqa: S608 (fixed text)
        cur.execute(
            f"""
            INSERT INTO incentives_programcost (program_id, partner_id, lines, draft, approved, paid, computed_at)
            SELECT e.program_id, e.partner_id, count(*),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = 'draft'), 0),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = 'approved'), 0),
                   coalesce(sum(e.amount) FILTER (WHERE s.status = 'paid'), 0),
                   now()
              FROM incentives_earning e
              JOIN incentives_statement s ON s.id = e.statement_id
              {where.replace("partner_id", "e.partner_id")}
             GROUP BY e.program_id, e.partner_id
            """,  # noqa: S608 (fixed text)
            params,
        )
        return cur.rowcount
