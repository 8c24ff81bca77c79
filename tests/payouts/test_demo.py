from io import StringIO

import pytest
from django.core.management import call_command

from payouts import notice
from payouts.models import PayeeProfile, Payout, PayoutLine
from tests.payouts.test_walk import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_paid_statement_with_its_notice():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    payout = Payout.objects.get(partner__slug="sakura-systems")
    assert payout.status == Payout.Status.PAID and payout.paid_on
    kinds = set(payout.lines.values_list("kind", flat=True))
    assert PayoutLine.Kind.MDF in kinds and len(kinds) >= 2  # earnings and the approved MDF claim
    text = pdf_text(notice.render(payout, language="ja"))
    assert "T8999900000001" in text and "さくらシステムズ株式会社" in text
    assert PayeeProfile.objects.get(partner__slug="fuji-integration").status == "pending"
