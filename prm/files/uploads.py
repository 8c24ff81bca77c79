"""The one upload validator of the portal (logos, content files, onboarding documents,
thread attachments).

The name a browser sends is not trusted: the extension must be allowed *and* the first
bytes must agree with it (PDF magic, Pillow's format for images, the zip manifest of
Office Open XML, ISO/Matroska headers for video, text must decode). Images are capped in
pixels before they are decoded, so a decompression bomb is a form error, not a 500 or an
out-of-memory worker.

    checked = validate_upload(f, extensions={".pdf", ".png"}, max_bytes=10 * 1024 * 1024)

Callers may pass ``messages`` (code -> text with %(name)s, %(ext)s, %(size)s, %(max)s,
%(types)s) to keep their own wording; codes: type, size, empty, mismatch, corrupt, pixels,
request_pixels.

One request may upload several images (thread attachments, a logo and an asset in the admin):
`PixelBudgetMiddleware` gives each request PRM_REQUEST_MAX_PIXELS to decode in total, charged
by `check_image` from the header before decoding, so five 40-megapixel images in one post are
a form error for the ones that do not fit, not 200 megapixels of decoding.
"""

import warnings
import weakref
import zipfile
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# extension -> (content type, sniffer kind)
TYPES = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "PNG"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".gif": ("image/gif", "GIF"),
    ".webp": ("image/webp", "WEBP"),
    ".txt": ("text/plain", "text"),
    ".log": ("text/plain", "text"),
    ".csv": ("text/csv", "text"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
    ".zip": ("application/zip", "zip"),
    ".mp4": ("video/mp4", "mp4"),
    ".webm": ("video/webm", "webm"),
}
IMAGE_KINDS = {"PNG", "JPEG", "GIF", "WEBP"}

MESSAGES = {
    "type": _("“%(name)s”: files of this type cannot be uploaded. Allowed: %(types)s."),
    "size": _("“%(name)s” is too large (%(size)s). The maximum is %(max)s."),
    "empty": _("“%(name)s” is empty."),
    "mismatch": _("“%(name)s”: the contents do not match the file type %(ext)s."),
    "corrupt": _("“%(name)s” is damaged or not an image."),
    "pixels": _("“%(name)s” has too many pixels (at most %(max)s million)."),
    "request_pixels": _(
        "“%(name)s”: the images sent together have too many pixels (at most %(max)s million in one "
        "upload). Send fewer or smaller images at a time."
    ),
}


def max_pixels_default() -> int:
    return getattr(settings, "PRM_UPLOAD_MAX_PIXELS", 40_000_000)


# --- Pixels per request -----------------------------------------------------------------


@dataclass
class PixelBudget:
    limit: int
    used: int = 0
    # Files already counted: a form and then the model validate the same upload.
    charged: weakref.WeakSet = field(default_factory=weakref.WeakSet)

    def charge(self, file, pixels: int) -> None:
        if file in self.charged:
            return
        if self.used + pixels > self.limit:
            raise ValidationError(MESSAGES["request_pixels"], code="request_pixels")
        self.used += pixels
        self.charged.add(file)


_budget: ContextVar[PixelBudget | None] = ContextVar("prm_upload_pixel_budget", default=None)


@contextmanager
def pixel_budget(limit: int):
    """Images checked inside this block share `limit` pixels (a request; a test)."""
    token = _budget.set(PixelBudget(limit=limit))
    try:
        yield _budget.get()
    finally:
        _budget.reset(token)


class PixelBudgetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with pixel_budget(settings.PRM_REQUEST_MAX_PIXELS):
            return self.get_response(request)


@dataclass
class CheckedUpload:
    name: str
    ext: str
    content_type: str
    kind: str
    size: int


def _head(file, n=8192) -> bytes:
    file.seek(0)
    data = file.read(n)
    file.seek(0)
    return data if isinstance(data, bytes) else data.encode()


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


def _is_zip(file, prefix: str | None = None) -> bool:
    if not _head(file, 4).startswith(b"PK\x03\x04"):
        return False
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    if prefix is None:
        return True
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def sniff(file, kind: str) -> bool:
    """Whether the bytes of `file` are of `kind` (images: see check_image)."""
    if kind == "pdf":
        return _head(file, 1024).lstrip().startswith(b"%PDF-")
    if kind == "text":
        return _is_text(file)
    if kind == "zip":
        return _is_zip(file)
    if kind.startswith("ooxml:"):
        return _is_zip(file, kind.split(":", 1)[1])
    if kind == "mp4":
        return _head(file, 12)[4:8] == b"ftyp"
    if kind == "webm":
        return _head(file, 4) == b"\x1a\x45\xdf\xa3"
    return False


def check_image(file, *, max_pixels: int | None = None) -> tuple[str, int, int]:
    """Return (format, width, height) of a real, complete image or raise ValidationError
    (code corrupt or pixels). The size is read from the header before any decoding."""
    limit = max_pixels or max_pixels_default()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as img:
                fmt, (width, height) = img.format, img.size
                if width * height > limit:
                    raise ValidationError(MESSAGES["pixels"], code="pixels")
                budget = _budget.get()
                if budget is not None:
                    budget.charge(file, width * height)
                img.verify()
            file.seek(0)
            with Image.open(file) as img:
                img.load()  # verify() misses truncated data; decoding finds it
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(MESSAGES["pixels"], code="pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ValidationError(MESSAGES["corrupt"], code="corrupt") from exc
    finally:
        file.seek(0)
    return fmt, width, height


def validate_upload(
    file,
    *,
    extensions: Iterable[str],
    max_bytes: int,
    max_pixels: int | None = None,
    messages: dict | None = None,
) -> CheckedUpload:
    allowed = {e if e.startswith(".") else f".{e}" for e in extensions}
    name = PurePath(getattr(file, "name", "") or "").name
    ext = PurePath(name).suffix.lower()
    limit_pixels = max_pixels or max_pixels_default()
    texts = {**MESSAGES, **(messages or {})}
    params = {
        "name": name,
        "ext": ext,
        "size": filesizeformat(getattr(file, "size", 0) or 0),
        "max": filesizeformat(max_bytes),
        "types": ", ".join(sorted(e.lstrip(".").upper() for e in allowed)),
    }

    def fail(code, **extra):
        return ValidationError(texts[code] % {**params, **extra}, code=code)

    if ext not in allowed or ext not in TYPES:
        raise fail("type")
    if file.size > max_bytes:
        raise fail("size")
    if not file.size:
        raise fail("empty")
    content_type, kind = TYPES[ext]
    if kind in IMAGE_KINDS:
        try:
            fmt, _w, _h = check_image(file, max_pixels=limit_pixels)
        except ValidationError as exc:
            budget = _budget.get()
            shown = budget.limit if exc.code == "request_pixels" and budget else limit_pixels
            raise fail(exc.code, max=f"{shown / 1_000_000:g}") from exc
        if fmt != kind:
            raise fail("mismatch")
    elif not sniff(file, kind):
        raise fail("mismatch")
    return CheckedUpload(name=name, ext=ext, content_type=content_type, kind=kind, size=file.size)
