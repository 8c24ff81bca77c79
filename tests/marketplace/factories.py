from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace import services
from marketplace.forms import SCREENSHOT_MAX_BYTES, SCREENSHOT_TYPES
from marketplace.models import Listing
from prm.files.uploads import validate_upload
from tests.partners.factories import IndustryFactory

FIELDS = {
    "name_ja": "在庫最適化パッケージ",
    "name_en": "Inventory optimisation package",
    "description_ja": "在庫を最適化する導入サービスです。",
    "description_en": "An implementation service that optimises stock.",
    "pricing_model": "fixed_package",
    "pricing_note": "¥800,000 から",
    "contact_name": "山田 花子",
    "contact_email": "sales@alpha.example.jp",
    "contact_url": "https://alpha.example.jp/inventory",
}


def png(size=(320, 200), name="shot.png") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def draft(partner, actor, *, industries=None, products=(), **fields):
    industries = industries if industries is not None else [IndustryFactory(code="manufacturing")]
    return services.listing_create(
        partner=partner, actor=actor, fields={**FIELDS, **fields}, products=products, industries=industries
    )


def submitted(partner, actor, **kwargs):
    return services.listing_submit(listing=draft(partner, actor, **kwargs), actor=actor)


def published(partner, actor, manager, **kwargs):
    return services.listing_publish(listing=submitted(partner, actor, **kwargs), actor=manager)


def screenshot(listing, actor, caption="Dashboard"):
    upload = png()
    checked = validate_upload(upload, extensions=SCREENSHOT_TYPES, max_bytes=SCREENSHOT_MAX_BYTES)
    return services.screenshot_add(
        listing=listing, actor=actor, upload=upload, checked=checked, caption=caption
    )


def public_listing(partner, name: str, **extra):
    """A published listing made directly (the public pages only read it; the services let
    only solution and delivery partners list)."""
    values = {
        "name_ja": name,
        "name_en": name,
        "description_ja": "説明",
        "description_en": "Description",
        "pricing_model": "subscription",
        "contact_name": "Contact",
        "contact_email": "contact@example.test",
        "status": "published",
        "published_at": timezone.now(),
    }
    return Listing.objects.create(partner=partner, **{**values, **extra})
