from datetime import timedelta
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from promotion.models import Announcement, Campaign, CampaignParticipation


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name_ja = factory.Sequence(lambda n: f"キャンペーン{n}")
    name_en = factory.Sequence(lambda n: f"Campaign {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = Campaign.Status.PUBLISHED
    budget = 1_000_000
    email_subject_ja = "{partner_name}からのご案内"
    email_body_ja = "{partner_name}です。詳しくは {tracked_link} をご覧ください。担当：{contact}"
    social_text_ja = "{partner_name} と一緒に。{tracked_link}"
    landing_url = "https://vendor.example/landing"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignParticipation

    campaign = factory.SubFactory(CampaignFactory)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title_ja = factory.Sequence(lambda n: f"お知らせ{n}")
    title_en = factory.Sequence(lambda n: f"Announcement {n}")
    body_ja = "本文です。"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


def png_bytes(size=(200, 100), color=(20, 120, 220)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def asset_with_file(kind: str = "image", title: str = "Banner"):
    """A published library asset whose current version is a PNG or a PDF."""
    from content import services
    from tests.content.factories import AssetFactory

    asset = AssetFactory(title=title, kind="file", indexed=False)
    if kind == "image":
        upload = SimpleUploadedFile(
            "banner.png", png_bytes((400, 200), (240, 240, 240)), content_type="image/png"
        )
    else:
        upload = SimpleUploadedFile("brochure.pdf", pdf_bytes(), content_type="application/pdf")
    services.asset_version_add(asset=asset, upload=upload)
    asset.refresh_from_db()
    return asset


def red_logo() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", png_bytes((120, 120), (255, 0, 0)), content_type="image/png")
