"""Open this period's market development funds now (beat does it daily from the period's
first day): every active partner whose tier has an MDF budget and no fund yet gets its share."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from funds import services
from funds.periods import period_of


class Command(BaseCommand):
    help = "Allocate the market development funds of the period containing a date (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="a day of the period, YYYY-MM-DD (default: today)")

    def handle(self, *args, day=None, **options):
        try:
            period = period_of(date.fromisoformat(day) if day else timezone.localdate())
        except ValueError as exc:
            raise CommandError(f"--date must be a date like 2026-04-01, not {day!r}.") from exc
        opened = services.funds_allocate(period=period)
        self.stdout.write(
            self.style.SUCCESS(
                f"Funds for {period.start} to {period.end}: {opened} opened (existing funds unchanged)."
            )
        )
