"""Uploaded files: the type is decided by the content (magic bytes, Pillow, the ZIP
directory of Office files) and must agree with the extension; sizes are limited; images
are verified and given a thumbnail."""

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
OOXML_PART = {".pptx": "ppt/", ".xlsx": "xl/", ".docx": "word/"}


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
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower()
    if ext not in EXTENSIONS:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s.")
            % {"types": allowed_extensions_text()},
            code="type",
        )
    file_type, content_type = EXTENSIONS[ext]
    limit = max_bytes(file_type)
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if file_type == "image":
        _check_image(upload, IMAGE_FORMATS[ext])
    elif not _sniff_ok(ext, head, upload):
        raise ValidationError(
            _("The content of the file does not match its extension (%(ext)s).") % {"ext": ext},
            code="mismatch",
        )
    return CheckedFile(file_type=file_type, content_type=content_type, size=upload.size, name=name)


def _sniff_ok(ext: str, head: bytes, upload) -> bool:
    if ext == ".pdf":
        return head.lstrip()[:5] == b"%PDF-"
    if ext in OOXML_PART:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[ext]) for n in names)
    if ext == ".csv":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sample.
            if exc.start < len(head) - 4:
                try:
                    head.decode("cp932")
                except UnicodeDecodeError:
                    return False
        return True
    if ext == ".mp4":
        return head[4:8] == b"ftyp"
    if ext == ".webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    return False


def _check_image(upload, expected_format: str) -> None:
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large in pixels."), code="pixels")
            img.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()  # verify() misses truncated data; decoding finds it
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image is damaged or not an image."), code="corrupt") from exc
    finally:
        upload.seek(0)
    if fmt != expected_format:
        raise ValidationError(_("The content of the file does not match its extension."), code="mismatch")


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
