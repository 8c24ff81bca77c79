"""Send one test message through the configured mail settings (EMAIL_URL), directly or
through a Celery worker, to check a deployment's mail path end to end."""

import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from prm import tasks
from prm.notifications import emails


class Command(BaseCommand):
    help = "Send a test e-mail to an address, from this process or (--via-worker) from a Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("to", help="the recipient's address")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])
        parser.add_argument(
            "--via-worker", action="store_true", help="queue it for a Celery worker (tests the broker too)"
        )

    def handle(self, *args, to, language=None, via_worker=False, **options):
        try:
            validate_email(to)
        except ValidationError as exc:
            raise CommandError(f"{to!r} is not an e-mail address.") from exc
        if via_worker:
            tasks.send_test_email.delay(to=to, language=language)
            self.stdout.write(self.style.SUCCESS(f"Queued for a worker: a test e-mail to {to}."))
            return
        try:
            emails.send_test_email(to=to, language=language, sender=f"manage.py on {socket.gethostname()}")
        except OSError as exc:  # smtplib's errors are OSErrors: refused, timed out, TLS, auth
            raise CommandError(f"The mail server did not take the message: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Sent a test e-mail to {to} ({settings.EMAIL_BACKEND})."))
