from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps


def resized_logo(upload, *, name: str) -> ContentFile:
    """Return the logo shrunk to fit PRM_LOGO_SIZE, as PNG (keeps transparency)."""
    upload.seek(0)
    with Image.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail(settings.PRM_LOGO_SIZE)
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA")
        out = BytesIO()
        img.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.png")
