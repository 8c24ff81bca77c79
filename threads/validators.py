"""Attachment validation: the extension must be allowed AND the content must match it.

The name a browser sends is not trusted: the first bytes decide the type (PDF, images
via Pillow, Office Open XML via its zip manifest, plain text must decode as text).
"""

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# extension -> (content type served on download, sniffer kind)
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "PNG"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".gif": ("image/gif", "GIF"),
    ".webp": ("image/webp", "WEBP"),
    ".txt": ("text/plain", "text"),
    ".csv": ("text/csv", "text"),
    ".log": ("text/plain", "text"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
}
MAX_FILES = 5


def max_bytes() -> int:
    return getattr(settings, "PRM_THREAD_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def allowed_extensions_display() -> str:
    return ", ".join(sorted(ext.lstrip(".") for ext in ALLOWED))


def _head(file, n=8192) -> bytes:
    file.seek(0)
    data = file.read(n)
    file.seek(0)
    return data


def _is_text(file) -> bool:
    sample = 64 * 1024
    data = _head(file, sample)
    if b"\x00" in data:
        return False
    # A multi-byte character may be cut at the end of a full sample: allow up to 3 bytes.
    cuts = range(4) if len(data) == sample else range(1)
    for encoding in ("utf-8", "cp932"):
        for cut in cuts:
            try:
                data[: len(data) - cut].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def _is_image(file, fmt: str) -> bool:
    try:
        file.seek(0)
        with Image.open(file) as img:
            found = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        file.seek(0)
    return found == fmt


def _is_ooxml(file, prefix: str) -> bool:
    if not _head(file, 4).startswith(b"PK\x03\x04"):
        return False
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def sniff(file, kind: str) -> bool:
    if kind == "pdf":
        return _head(file, 1024).lstrip().startswith(b"%PDF-")
    if kind == "text":
        return _is_text(file)
    if kind.startswith("ooxml:"):
        return _is_ooxml(file, kind.split(":", 1)[1])
    return _is_image(file, kind)


def validate_attachment(file) -> str:
    """Raise ValidationError unless `file` is an allowed type and size; return its content type."""
    name = Path(getattr(file, "name", "") or "").name
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted. Allowed: %(types)s.")
            % {"name": name, "types": allowed_extensions_display()}
        )
    if file.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). The maximum is %(max)s.")
            % {"name": name, "size": filesizeformat(file.size), "max": filesizeformat(max_bytes())}
        )
    if file.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    content_type, kind = ALLOWED[ext]
    if not sniff(file, kind):
        raise ValidationError(
            _("“%(name)s”: the contents do not match the file type %(ext)s.") % {"name": name, "ext": ext}
        )
    return content_type
