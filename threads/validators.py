"""Attachment validation: the extension must be allowed AND the content must match it.

The checks themselves are the portal's one upload validator (prm.files.uploads): content
sniffing, size and pixel caps; this module says what threads accept and how it is worded.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from prm.files import uploads

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


THREAD_MESSAGES = {
    "type": _("“%(name)s”: this type of file is not accepted. Allowed: %(types)s."),
    "size": _("“%(name)s” is too large (%(size)s). The maximum is %(max)s."),
    "empty": _("“%(name)s” is empty."),
    "mismatch": _("“%(name)s”: the contents do not match the file type %(ext)s."),
}


def validate_attachment(file) -> str:
    """Raise ValidationError unless `file` is an allowed type and size; return its content type."""
    checked = uploads.validate_upload(
        file,
        extensions=ALLOWED,
        max_bytes=max_bytes(),
        max_pixels=getattr(settings, "PRM_THREAD_ATTACHMENT_MAX_PIXELS", None),
        messages={"corrupt": THREAD_MESSAGES["mismatch"], **THREAD_MESSAGES},
    )
    return checked.content_type
