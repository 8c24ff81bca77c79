"""Load the bilingual demo data set. Idempotent: a second run adds no duplicates.

First the demo's people (devtools.logins: staff and partner accounts, the demo password), then
each installed app's `demo.py` with `seed(stdout)`, in INSTALLED_APPS order, so an app's demo
can rely on the demo data of the apps it depends on.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from devtools import logins
from devtools.scaleseed import SCALES, seed_scale
from prm.cache import pagecache

DEMO_LOGINS = [
    ("admin@example.com", "superuser (admin site)"),
    ("manager@example.com", "channel manager"),
    ("support@example.com", "support staff"),
    ("partner@example.com", "partner admin at an active partner"),
    ("member@example.com", "member at the same partner"),
    ("other@example.com", "admin at a different partner"),
    ("onboarding@example.com", "partner admin on day ~35 of a 60-day plan, behind pace"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo data set and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="also grow a programme of that many partners on top (large = 10,000; see devtools/scaleseed.py)",
        )

    def handle(self, *args, **options):
        # The demo creates a superuser with a published password: never on a real site.
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise CommandError("seed_demo refuses to run with DJANGO_DEBUG off (it creates known logins).")
        with transaction.atomic():
            logins.seed(self.stdout)
        self.stdout.write("  demo data: people ok")
        for app_config in apps.get_app_configs():
            if not module_has_submodule(app_config.module, "demo"):
                continue
            module = import_module(f"{app_config.name}.demo")
            with transaction.atomic():
                module.seed(self.stdout)
            self.stdout.write(f"  demo data: {app_config.label} ok")
        if options.get("scale"):
            seed_scale(SCALES[options["scale"]], stdout=self.stdout.write)
        # A set-based job over every table: no cached page outlives it (prm.cache.pagecache).
        pagecache.bump_everything()
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {logins.PASSWORD}):"))
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {role}")
