"""Recompute every partner's tier now (beat does it nightly), as of today or a given date."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from incentives import services


class Command(BaseCommand):
    help = "Recompute every partner's incentive tier now (what beat does nightly); changes are e-mailed."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the evaluation date, YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date like 2026-04-01, not {as_of!r}.") from exc
        run = services.tiers_recompute(as_of=day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Tiers recomputed as of {run.as_of}: {run.partners} partners, {run.changes} changes."
            )
        )
