"""Per-partner deal roll-up for the channel dashboard's deals and pipeline block.

Aggregating a million raw deals per dashboard view costs ~60 ms; these two small tables
hold the same numbers per partner, refreshed set-based (one DELETE and one INSERT ... SELECT
each, in one transaction) by `deal_rollup_refresh`:

- `PartnerDealRollup`: one row per partner with deals under review, approved open deals
  and their pipeline (the approved amounts), as they stood at `refreshed_at`;
- `PartnerDealMonth`: counted won deals and their reviewed figure (`Deal.counted_amount_jpy`)
  per partner and month closed.

Kept by the hourly `refresh_deal_rollup` task (prm.settings CELERY_BEAT_SCHEDULE) and by
devtools/scaleseed.py's derived-table step. Readers show `refreshed_at` (dashboard), and
`deal_rollup_refreshed` tells them that the numbers moved.
"""

import django.dispatch
from celery import shared_task
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# sender=PartnerDealRollup, refreshed_at=. Sent after commit (dashboard drops its cache).
deal_rollup_refreshed = django.dispatch.Signal()


class PartnerDealRollup(models.Model):
    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="deal_rollup", verbose_name=_("partner")
    )
    submitted = models.PositiveIntegerField(_("deals under review"), default=0)
    open_count = models.PositiveIntegerField(_("open deals"), default=0)
    open_amount = models.DecimalField(_("pipeline (JPY)"), max_digits=18, decimal_places=0, default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("deal roll-up")
        verbose_name_plural = _("deal roll-ups")

    def __str__(self):
        return f"{self.partner_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class PartnerDealMonth(models.Model):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    month = models.DateField(_("month closed"))  # the first day of the month
    won_count = models.PositiveIntegerField(_("won deals"), default=0)
    won_amount = models.DecimalField(_("won (JPY)"), max_digits=18, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("won deals by month")
        verbose_name_plural = _("won deals by month")
        constraints = [models.UniqueConstraint(fields=["partner", "month"], name="dealmonth_once")]
        indexes = [models.Index(fields=["month"], include=["partner", "won_count", "won_amount"],
                                name="dealmonth_month")]  # fmt: skip

    def __str__(self):
        return f"{self.partner_id} {self.month:%Y-%m}"


ROLLUP_LOCK = 0x1DEA1_2011


def deal_rollup_refresh() -> int:
    """Rebuild both tables from the deals (set-based; a fixed number of statements whatever
    the number of partners). Returns the number of partner rows."""
    from incentives.models import Deal

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
        transaction.on_commit(lambda: deal_rollup_refreshed.send(sender=PartnerDealRollup, refreshed_at=now))
    return partners


def deal_rollup_refreshed_at():
    """When the roll-up was last rebuilt (None: never)."""
    return PartnerDealRollup.objects.order_by().values_list("refreshed_at", flat=True).first()


@shared_task(acks_late=True)
def refresh_deal_rollup() -> int:
    return deal_rollup_refresh()
