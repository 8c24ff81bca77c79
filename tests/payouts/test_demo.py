from io import StringIO

import pytest
from django.core.management import call_command

from funds.models import Claim
from payouts import notice
from payouts.models import PayeeProfile, Payout, PayoutLine
from tests.payouts.test_walk import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_paid_statement_with_its_notice():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    payout = Payout.objects.get(partner__slug="sakura-systems")
    assert payout.status == Payout.Status.PAID and payout.paid_on
    assert payout.lines.filter(earning__isnull=False).exists()
    # This month's approved MDF claim waits for this month's statement.
    assert not PayoutLine.objects.filter(kind=PayoutLine.Kind.MDF).exists()
    assert Claim.objects.payable().filter(partner__slug="sakura-systems").count() == 1
    text = pdf_text(notice.render(payout, language="ja"))
    assert "T8999900000001" in text and "さくらシステムズ株式会社" in text
    assert PayeeProfile.objects.get(partner__slug="fuji-integration").status == "pending"
