"""Two finance clerks build the same month at once (real threads, real PostgreSQL): one set of
statements, every line once."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from payouts import services
from payouts.models import Payout, PayoutLine
from tests.payouts.helpers import approved_statement, finance_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_builds_at_once(world):
    finance = finance_user()
    for partner in (world.partner_a, world.partner_b):
        approved_statement(partner, amounts=(Decimal(1_000), Decimal(2_000)))
    barrier, errors = threading.Barrier(2), []

    def build():
        try:
            barrier.wait()
            services.payouts_build(period=date(2026, 11, 1), actor=finance)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Payout.objects.count() == 2 and PayoutLine.objects.count() == 4
