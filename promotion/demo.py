"""Demo data: three campaigns (running, upcoming, finished with results), announcements,
and the overview video with a poster, chapters and a transcript. Idempotent.

No video encoder is available offline, so the demo "video" is a short generated WAV
(a soft tone) that the browser plays in the <video> element under the generated poster;
a real deployment uploads an MP4/WebM or links YouTube/Vimeo in the admin site.
"""

import io
import math
import struct
import wave
from datetime import timedelta
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from content.models import Asset
from incentives.models import Deal
from partners.models import Application, Partner
from prm.http.attribution import visitor_hash
from promotion import cobrand, services
from promotion.models import (
    Announcement,
    Campaign,
    CampaignEvent,
    CampaignParticipation,
    ChannelEvent,
    ChannelLink,
    CobrandedFile,
    OverviewVideo,
)

TEMPLATES = {
    "email_subject_ja": "{partner_name}より：クラウドERPの導入相談会のご案内",
    "email_subject_en": "From {partner_name}: Cloud ERP briefing",
    "email_body_ja": (
        "いつもお世話になっております。{partner_name}です。\n\n"
        "クラウドERPの導入相談会を開催します。詳細とお申し込みはこちら：\n{tracked_link}\n\n"
        "ご不明な点は担当までお問い合わせください。\n{contact}"
    ),
    "email_body_en": (
        "Hello from {partner_name}.\n\nWe are running Cloud ERP briefings. Details and registration:\n"
        "{tracked_link}\n\nQuestions? Contact {contact}."
    ),
    "social_text_ja": "{partner_name}はクラウドERPの導入を支援しています。相談会のお申し込みはこちら {tracked_link}",
    "social_text_en": "{partner_name} helps you move to Cloud ERP. Book a briefing: {tracked_link}",
}


class DemoCampaign(NamedTuple):
    key: str
    name_ja: str
    name_en: str
    kind: str
    start_offset_days: int
    length_days: int
    budget: int
    description_ja: str
    description_en: str


CAMPAIGNS = [
    DemoCampaign(
        key="running",
        name_ja="クラウドERP 春の導入キャンペーン",
        name_en="Cloud ERP spring campaign",
        kind=Campaign.Kind.PACKAGED,
        start_offset_days=-10,
        length_days=50,
        budget=3_000_000,
        description_ja="中堅製造業向けにクラウドERPの導入相談会を共同で開催するキャンペーンです。",
        description_en="Joint Cloud ERP briefings for mid-sized manufacturers.",
    ),
    DemoCampaign(
        key="upcoming",
        name_ja="パートナー紹介キャンペーン",
        name_en="Partner referral drive",
        kind=Campaign.Kind.RECRUITMENT,
        start_offset_days=14,
        length_days=45,
        budget=1_000_000,
        description_ja="新しいパートナー候補をご紹介いただくキャンペーンです。",
        description_en="Introduce prospective partners to us.",
    ),
    DemoCampaign(
        key="finished",
        name_ja="CRMスイート 冬のキャンペーン",
        name_en="CRM Suite winter campaign",
        kind=Campaign.Kind.PACKAGED,
        start_offset_days=-120,
        length_days=60,
        budget=2_000_000,
        description_ja="CRMスイートの乗り換えを促進した共同キャンペーンです。",
        description_en="Joint campaign promoting migrations to the CRM Suite.",
    ),
]


class DemoAnnouncement(NamedTuple):
    title_ja: str
    title_en: str
    body_ja: str
    body_en: str
    start_offset_days: int
    length_days: int | None
    partner_types: list[str]


ANNOUNCEMENTS = [
    DemoAnnouncement(
        title_ja="新しいキャンペーンが始まりました",
        title_en="New campaign launched",
        body_ja="「クラウドERP 春の導入キャンペーン」に参加すると、共同ブランドの資料と専用リンクをご利用いただけます。",
        body_en="Join the Cloud ERP spring campaign for co-branded material and your own tracked link.",
        start_offset_days=-2,
        length_days=None,
        partner_types=[],
    ),
    DemoAnnouncement(
        title_ja="パートナーポータルの概要動画を公開しました",
        title_en="Portal overview video published",
        body_ja="4分でポータルの使い方がわかる動画を公開しました。ぜひご覧ください。",
        body_en="A four-minute video shows how to use the portal.",
        start_offset_days=-7,
        length_days=None,
        partner_types=[],
    ),
    DemoAnnouncement(
        title_ja="年次パートナーカンファレンスのお知らせ",
        title_en="Annual partner conference",
        body_ja="来月、年次パートナーカンファレンスを開催します。",
        body_en="Our annual partner conference is next month.",
        start_offset_days=5,
        length_days=30,
        partner_types=[],
    ),
]


def _poster() -> bytes:
    image = Image.new("RGB", (640, 360), (13, 59, 102))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 30, 600, 120), fill=(255, 255, 255))
    # One poster for both languages: the Japanese title above its English one.
    for y, title in ((58, "パートナーポータルの概要"), (95, "Portal overview")):
        draw.text((60, y), title, fill=(13, 59, 102), font=cobrand._font(24), anchor="lm")
    draw.polygon([(290, 150), (290, 250), (370, 200)], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _tone(seconds: int = 4, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(1500 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(seconds * rate)
        )
        w.writeframes(frames)
    return out.getvalue()


def _video(stdout) -> None:
    if OverviewVideo.objects.exists():
        return
    video = OverviewVideo(
        title_ja="パートナーポータルの概要（4分）",
        title_en="The partner portal in four minutes",
        chapters_ja="0:00 はじめに\n0:40 オンボーディング\n1:30 コンテンツライブラリ\n2:20 案件登録\n3:10 キャンペーン",
        chapters_en="0:00 Welcome\n0:40 Onboarding\n1:30 Content library\n2:20 Deal registration\n3:10 Campaigns",
        transcript_ja=(
            "パートナーポータルへようこそ。このビデオでは、オンボーディング、コンテンツライブラリ、"
            "案件登録、キャンペーンの使い方を紹介します。\n\n"
            "まず、ホーム画面で貴社のオンボーディング計画と進捗を確認できます。"
        ),
        transcript_en=(
            "Welcome to the partner portal. This video shows onboarding, the content library, deal "
            "registration and campaigns.\n\nFirst, the home page shows your onboarding plan and progress."
        ),
    )
    video.poster.save("overview-poster.png", ContentFile(_poster()), save=False)
    video.video_file.save("overview.wav", ContentFile(_tone()), save=False)
    video.save()


def _announcements() -> None:
    now = timezone.now()
    for title_ja, title_en, body_ja, body_en, start, length, types in ANNOUNCEMENTS:
        starts = now + timedelta(days=start)
        Announcement.objects.update_or_create(
            title_ja=title_ja,
            defaults={
                "title_en": title_en,
                "body_ja": body_ja,
                "body_en": body_en,
                "starts_at": starts,
                "ends_at": starts + timedelta(days=length) if length else None,
                "partner_types": types,
            },
        )


CHANNEL_LINKS = [
    # name, channel, post or event, target, UTM source/medium/campaign, visits, landing views, plays
    (
        "LinkedIn: パートナー募集の投稿",
        "social",
        "2026年12月の募集投稿",
        "landing",
        ("linkedin", "social", "recruit-2026"),
        40,
        31,
        12,
    ),
    (
        "Japan IT Week 秋 ブースのQRコード",
        "event",
        "Japan IT Week 秋 2026",
        "apply",
        ("itweek", "event", "recruit-2026"),
        18,
        0,
        0,
    ),
    (
        "メールマガジン 12月号",
        "email",
        "12月号",
        "resource",
        ("newsletter", "email", "recruit-2026"),
        25,
        0,
        0,
    ),
]


def _channel_links() -> None:
    """Tracked links to prospects, with a month of visits as the links record them (one
    visitor hash per visitor and day) and two recent applications that came by the first two."""
    case_study = Asset.objects.filter(is_public=True, title__startswith="製造業向け導入事例").first()
    now = timezone.now()
    for i, (name, channel, post, target, utm, visits, landing, plays) in enumerate(CHANNEL_LINKS):
        if target == "resource" and case_study is None:
            continue
        link, created = ChannelLink.objects.get_or_create(
            name=name,
            defaults={
                "channel": channel,
                "post": post,
                "target": target,
                "asset": case_study if target == "resource" else None,
                "utm_source": utm[0],
                "utm_medium": utm[1],
                "utm_campaign": utm[2],
            },
        )
        if not created:
            continue
        events = []
        for kind, count in (("visit", visits), ("landing", landing), ("play", plays)):
            for n in range(count):
                day = now - timedelta(days=n % 28, hours=n)
                events.append(
                    ChannelEvent(
                        link=link,
                        kind=kind,
                        created_at=day,
                        visitor=visitor_hash(ip=f"203.0.113.{n}", user_agent="demo", day=day.date()),
                    )
                )
        ChannelEvent.objects.bulk_create(events, ignore_conflicts=True)
        recent = Application.objects.filter(channel_code="", created_at__gte=now - timedelta(days=28))
        if i < 2 and (application := recent.order_by("-created_at").first()) is not None:
            Application.objects.filter(pk=application.pk).update(channel_code=link.code)


def seed(stdout) -> None:
    today = timezone.localdate()
    campaigns = {}
    kit_assets = list(
        Asset.objects.filter(current_version__file_type__in=["image", "pdf"]).order_by("pk")[:3]
    )
    for key, name_ja, name_en, kind, offset, length, budget, desc_ja, desc_en in CAMPAIGNS:
        starts = today + timedelta(days=offset)
        campaign, _created = Campaign.objects.update_or_create(
            name_ja=name_ja,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "starts_on": starts,
                "ends_on": starts + timedelta(days=length),
                "status": Campaign.Status.PUBLISHED,
                "budget": budget,
                "description_ja": desc_ja,
                "description_en": desc_en,
                "goal_ja": "共同で新規商談を創出する",
                "goal_en": "Create new opportunities together",
                "partner_benefits_ja": "共同ブランドの資料、メール文面、SNS投稿文、専用のトラッキングリンク",
                "partner_benefits_en": "Co-branded material, e-mail and social texts, your own tracked link",
                "partner_expectations_ja": "期間中に顧客向け案内を1回以上実施し、生まれた案件を登録してください。",
                "partner_expectations_en": "Reach out to customers at least once and register the resulting deals.",
                "landing_url": "https://www.example.com/erp-spring",
                **TEMPLATES,
            },
        )
        campaign.assets.set(kit_assets)
        campaigns[key] = campaign

    partners = {p.slug: p for p in Partner.objects.in_portal()}
    finished = campaigns["finished"]
    for slug in list(partners)[:4]:
        CampaignParticipation.objects.get_or_create(campaign=finished, partner=partners[slug])
        if not CampaignEvent.objects.filter(campaign=finished, partner=partners[slug]).exists():
            base = timezone.now() - timedelta(days=100)
            # Clicks as the tracked link records them: one visitor hash per visitor and day.
            CampaignEvent.objects.bulk_create(
                [
                    CampaignEvent(
                        campaign=finished,
                        partner=partners[slug],
                        kind="click",
                        created_at=base + timedelta(days=i),
                        visitor=visitor_hash(
                            ip=f"198.51.100.{i}", user_agent="demo", day=(base + timedelta(days=i)).date()
                        ),
                    )
                    for i in range(3 + len(slug) % 5)
                ]
                + [CampaignEvent(campaign=finished, partner=partners[slug], kind="download", created_at=base)]
            )
        # Some of the partner's demo deals came from the finished campaign.
        ids = list(
            Deal.objects.filter(partner=partners[slug]).order_by("pk").values_list("pk", flat=True)[:2]
        )
        Deal.objects.filter(pk__in=ids, campaign__isnull=True).update(campaign=finished)

    sakura = partners.get("sakura-systems")
    if sakura is not None:
        CampaignParticipation.objects.get_or_create(campaign=campaigns["running"], partner=sakura)
        for version in [a.current_version for a in kit_assets]:
            item, _ = CobrandedFile.objects.get_or_create(partner=sakura, asset_version=version)
            if item.status == CobrandedFile.Status.PENDING:
                services.cobranded_generate(file_id=item.pk)
    _announcements()
    _video(stdout)
    _channel_links()
    stdout.write(
        f"  promotion: {Campaign.objects.count()} campaigns, {Announcement.objects.count()} announcements"
    )
