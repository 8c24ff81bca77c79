"""Re-run what counts money after an upgrade that changed what counts (docs/operations.md).

    manage.py rebuild_earnings                    # every month with a draft statement, and this month
    manage.py rebuild_earnings --since 2026-01    # from January 2026 to this month

Rebuilds the draft earnings of each month from the counted (reviewed) figures, set-based,
one transaction per month; approved and paid statements are never touched. Then the tiers
are recomputed as of today and the dashboard's deal roll-up is rebuilt. Safe to repeat.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incentives import services
from incentives.models import Statement
from incentives.rollups import deal_rollup_refresh


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError(f"Give the month as YYYY-MM, not {text!r}.") from exc


class Command(BaseCommand):
    help = "Rebuild draft earnings from the reviewed figures, recompute tiers and the deal roll-up."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first month (YYYY-MM); default: the oldest draft statement")
        parser.add_argument("--until", help="last month (YYYY-MM); default: this month")
        parser.add_argument("--no-tiers", action="store_true", help="do not recompute tiers")

    def handle(self, *args, since=None, until=None, no_tiers=False, **options):
        today = timezone.localdate()
        last = _month(until) if until else today.replace(day=1)
        oldest = (
            Statement.objects.filter(status=Statement.Status.DRAFT)
            .order_by("period")
            .values_list("period", flat=True)
        ).first()
        first = _month(since) if since else min(oldest or last, last)
        if first > last:
            raise CommandError("--since is after --until.")
        for row in services.earnings_rebuild(first=first, last=last):
            self.stdout.write(
                f"{row['period']:%Y-%m}: {row['statements']} draft statements, {row['candidates']} lines written"
            )
        if not no_tiers:
            run = services.tiers_recompute(as_of=today)
            self.stdout.write(
                f"tiers recomputed as of {today}: {run.partners} partners, {run.changes} changes"
            )
        partners = deal_rollup_refresh()
        self.stdout.write(f"deal roll-up rebuilt: {partners} partners")
