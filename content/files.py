"""Uploaded files: what the library accepts (checked by the portal's one upload validator,
prm.files.uploads: content sniffing, size and pixel caps); images are given a thumbnail."""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from prm.files import uploads

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_VIDEO_BYTES = 200 * 1024 * 1024
THUMBNAIL_SIZE = (480, 320)
MAX_IMAGE_PIXELS = 40_000_000

# extension -> (file type, content type)
EXTENSIONS = {
    ".pdf": ("pdf", "application/pdf"),
    ".png": ("image", "image/png"),
    ".jpg": ("image", "image/jpeg"),
    ".jpeg": ("image", "image/jpeg"),
    ".gif": ("image", "image/gif"),
    ".webp": ("image", "image/webp"),
    ".pptx": ("slides", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".xlsx": ("spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": ("document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".csv": ("spreadsheet", "text/csv"),
    ".mp4": ("video", "video/mp4"),
    ".webm": ("video", "video/webm"),
}


@dataclass
class CheckedFile:
    file_type: str
    content_type: str
    size: int
    name: str


def max_bytes(file_type: str) -> int:
    if file_type == "video":
        return getattr(settings, "CONTENT_MAX_VIDEO_BYTES", MAX_VIDEO_BYTES)
    return getattr(settings, "CONTENT_MAX_FILE_BYTES", MAX_FILE_BYTES)


def allowed_extensions_text() -> str:
    return ", ".join(sorted(e.lstrip(".").upper() for e in EXTENSIONS))


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded file or raise ValidationError with a message for the field."""
    ext = PurePath(PurePath(upload.name or "").name).suffix.lower()
    file_type = EXTENSIONS.get(ext, ("", ""))[0]
    checked = uploads.validate_upload(
        upload,
        extensions=EXTENSIONS,
        max_bytes=max_bytes(file_type),
        max_pixels=getattr(settings, "CONTENT_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS),
        messages={
            "type": _("Files of this type cannot be uploaded. Allowed: %(types)s."),
            "size": _("The file is too large (%(size)s). The maximum is %(max)s."),
            "empty": _("The file is empty."),
            "mismatch": _("The content of the file does not match its extension (%(ext)s)."),
            "corrupt": _("The image is damaged or not an image."),
            "pixels": _("The image is too large in pixels."),
        },
    )
    return CheckedFile(
        file_type=file_type, content_type=EXTENSIONS[ext][1], size=checked.size, name=checked.name
    )


def make_thumbnail(upload, *, stem: str) -> ContentFile:
    upload.seek(0)
    with Image.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail(THUMBNAIL_SIZE)
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA")
        out = BytesIO()
        img.save(out, format="PNG", optimize=True)
    upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{stem}.png")
