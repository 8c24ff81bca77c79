"""Rebuild the full-text search vectors of every library asset (Japanese bigrams and English words)."""

from django.core.management.base import BaseCommand

from content import services


class Command(BaseCommand):
    help = "Rebuild the search index (tsvector) of every content library asset."

    def handle(self, *args, **options):
        count = services.assets_reindex_all()
        self.stdout.write(self.style.SUCCESS(f"{count} assets reindexed."))
