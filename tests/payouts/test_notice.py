"""The payment notice's required items (仕入明細書 under the invoice system), read back with pypdf."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import override_settings
from pypdf import PdfReader

from payouts import notice, services
from payouts.models import Payout
from tests.payouts.helpers import approved_statement, finance_user, payee
from tests.payouts.test_walk import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world):
    finance = finance_user()
    payee(world.partner_a, legal_name="株式会社アルファ商事")
    approved_statement(world.partner_a, amounts=(Decimal(100_000), Decimal(20_005)))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = Payout.objects.get()
    # Finance marks one item reduced-rate (food for an event): the mark and a second rate.
    payout = services.payout_line_rate_set(line=payout.lines.order_by("amount").last(), rate=8, actor=finance)
    return services.payout_approve(payout=payout, actor=finance)


@override_settings(
    PRM_PAYOUT_ISSUER_NAME="ベンダー株式会社",
    PRM_PAYOUT_ISSUER_REGISTRATION_NUMBER="T7000012050002",
    PRM_PAYOUT_OBJECTION_DAYS=10,
)
def test_japanese_notice_has_the_required_items(issued):
    text = pdf_text(notice.render(issued, language="ja"))
    flat = text.replace(" ", "").replace("\n", "")
    assert "支払通知書" in text
    assert "ベンダー株式会社" in text  # the issuer (作成者)
    assert "株式会社アルファ商事" in text and "T1180301018771" in text  # the partner and its number
    assert "2026/11/30" in text  # the transaction date
    assert "※" in text and "軽減税率" in text  # the reduced-rate mark
    # Per rate: the totals and their tax (100,000 at 8%: 8,000; 20,005 at 10%: 2,000.5 -> 2,000).
    assert "¥100,000" in text and "¥8,000" in text and "¥20,005" in text and "¥2,000" in text
    assert "¥130,005" in text  # the amount paid
    assert "10日以内" in flat  # the partner confirms unless it objects in time


@override_settings(PRM_PAYOUT_ISSUER_NAME="Vendor K.K.")
def test_english_notice(issued):
    text = pdf_text(notice.render(issued, language="en"))
    assert "Payment notice" in text and "Vendor K.K." in text and "T1180301018771" in text
    assert "within 10 days" in text.replace("\n", " ")


def test_unregistered_partner_notice_says_so(world):
    finance = finance_user()
    payee(world.partner_a, registered=False)
    approved_statement(world.partner_a, amounts=(Decimal(1_000),))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = services.payout_approve(payout=Payout.objects.get(), actor=finance)
    text = pdf_text(notice.render(payout, language="ja")).replace("\n", "")
    assert "適格請求書発行事業者ではありません" in text.replace(" ", "")
    assert "70%" in text


def test_hostile_and_long_names_are_text(world):
    finance = finance_user()
    payee(world.partner_a, legal_name="<script>alert(1)</script>" + "長" * 170)
    approved_statement(world.partner_a, amounts=(Decimal(1_000),) * 80)  # several pages
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = services.payout_approve(payout=Payout.objects.get(), actor=finance)
    content = notice.render(payout, language="en")
    assert len(PdfReader(BytesIO(content)).pages) >= 2
    assert "<script>" in pdf_text(content)  # drawn as text, never interpreted
