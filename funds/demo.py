"""Demo data: this period's funds allocated from the tiers, Sakura Systems' fund topped up
by the channel manager, and four requests in the states a visitor should see: one waiting for
a decision, one approved for an upcoming event, one whose claim is under review (with a
receipt and a photo) and one whose claim was approved in part and waits for payment.
Idempotent: requests are found by title."""

import io
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from funds import services
from funds.models import ClaimFile, FundRequest
from funds.periods import period_of
from partners.models import Partner
from prm.files.uploads import validate_upload
from prm.models import User
from promotion.models import Campaign

PARTNER = "sakura-systems"
ADMIN = "partner@example.com"
MANAGER = "manager@example.com"


class DemoRequest(NamedTuple):
    key: str
    title: str
    activity_type: str
    description: str
    days_from_today: int  # when the activity starts (clamped into this period)
    requested: int
    campaign: str  # a promotion demo campaign's Japanese name, or ""


REQUESTS = [
    DemoRequest(
        "waiting",
        "パートナー向けハンズオン研修（大阪）",
        "training",
        "販売担当者10名を対象に、クラウドERPのデモ環境を使ったハンズオン研修を行います。",
        12,
        180_000,
        "",
    ),
    DemoRequest(
        "approved",
        "クラウドERP導入相談会（名古屋）",
        "event",
        "中堅製造業のお客様30社を招き、クラウドERPの導入相談会を共催します。会場費と軽食、案内状の印刷に使います。",
        10,
        400_000,
        "クラウドERP 春の導入キャンペーン",
    ),
    DemoRequest(
        "claim_review",
        "製造業向けWebセミナーの広告出稿",
        "web_campaign",
        "業界メディアのメールマガジンとバナーでWebセミナーの参加者を集めます。",
        -20,
        300_000,
        "クラウドERP 春の導入キャンペーン",
    ),
    DemoRequest(
        "claim_approved",
        "共同ブランドの導入事例パンフレット",
        "cobranded_content",
        "当社製品の導入事例を貴社ブランドと併記したパンフレットにまとめ、500部印刷します。",
        -30,
        250_000,
        "",
    ),
]


def _image(text: str, fmt: str) -> bytes:
    image = Image.new("RGB", (800, 500), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 770, 470), outline=(40, 90, 160), width=4)
    draw.text((60, 60), text, fill=(20, 40, 80))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def _files():
    receipt = ContentFile(_image("RECEIPT / INVOICE  JPY 286,000", "PDF"), name="領収書_Webセミナー広告.pdf")
    photo = ContentFile(_image("WEBINAR: 48 attendees", "PNG"), name="webinar-attendees.png")
    return [
        (ClaimFile.Kind.RECEIPT, receipt, validate_upload(receipt, extensions={".pdf"}, max_bytes=5_000_000)),
        (ClaimFile.Kind.PROOF, photo, validate_upload(photo, extensions={".png"}, max_bytes=5_000_000)),
    ]


def seed(stdout) -> None:
    today = timezone.localdate()
    period = period_of(today)
    services.funds_allocate(period=period)
    partner = Partner.objects.get(slug=PARTNER)
    admin = User.objects.get(email=ADMIN)
    manager = User.objects.get(email=MANAGER)
    existing = set(FundRequest.objects.for_partner(partner).values_list("title", flat=True))
    if all(r.title in existing for r in REQUESTS):
        return
    services.fund_adjust(
        partner=partner,
        period_start=period.start,
        amount=Decimal(1_000_000),
        reason="共催イベントのための追加配分（チャネル施策予算より）",
        actor=manager,
    )
    campaigns = {c.name_ja: c for c in Campaign.objects.all()}
    for demo in REQUESTS:
        if demo.title not in existing:
            _request(demo, partner, admin, manager, campaigns, period, today)


def _request(demo: DemoRequest, partner, admin, manager, campaigns, period, today) -> None:
    starts_on = min(max(today + timedelta(days=demo.days_from_today), period.start), period.end)
    ends_on = starts_on if demo.days_from_today > 0 else min(starts_on + timedelta(days=3), today)
    request = services.request_submit(
        partner=partner,
        actor=admin,
        fields={
            "title": demo.title,
            "activity_type": demo.activity_type,
            "description": demo.description,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "expected_leads": 20,
            "expected_attendees": 40,
            "expected_pipeline": Decimal(demo.requested * 10),
            "requested_amount": Decimal(demo.requested),
            "campaign": campaigns.get(demo.campaign),
        },
    )
    if demo.key == "waiting":
        return
    request = services.request_approve(
        fund_request=request, actor=manager, comment="承認します。成果のご報告をお待ちしています。"
    )
    if demo.key == "approved":
        return
    claim = services.claim_submit(
        fund_request=request,
        actor=admin,
        fields={
            "actual_cost": Decimal(demo.requested - 14_000),
            "leads": 18,
            "attendees": 48,
            "results": "48名が参加し、18件の見込み客を獲得しました。",
        },
        files=_files(),
    )
    if demo.key == "claim_approved":
        services.claim_approve(
            claim=claim,
            actor=manager,
            amount=Decimal(200_000),
            comment="印刷費は承認しますが、デザインの外注費は対象外のため一部承認とします。",
        )
