"""Rebuild every roll-up now (beat does it on its schedule): after a restore, a bulk import
or an outage of beat. Safe while the portal serves: each rebuild is one transaction."""

from django.core.management.base import BaseCommand

from prm.ui import registry


class Command(BaseCommand):
    help = "Rebuild every roll-up now, in order (what beat does on its schedule)."

    def handle(self, *args, **options):
        done = registry.rollups_refresh(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"{len(done)} roll-ups rebuilt in {sum(s for _l, s in done):.1f}s.")
        )
