from django.conf import settings
from django.utils.translation import gettext_lazy as _

from prm.files import uploads

LOGO_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def validate_logo(file) -> None:
    """Accept only real PNG/JPEG/GIF/WebP images of reasonable size and pixel count
    (the portal's one upload validator decides by content, not by the name)."""
    uploads.validate_upload(
        file,
        extensions=LOGO_EXTENSIONS,
        max_bytes=settings.PRM_LOGO_MAX_BYTES,
        max_pixels=getattr(settings, "PRM_LOGO_MAX_PIXELS", 25_000_000),
        messages={
            "type": _("Upload the logo as PNG, JPEG, GIF or WebP."),
            "mismatch": _("Upload the logo as PNG, JPEG, GIF or WebP."),
            "size": _("The logo is too large (%(size)s). The maximum is %(max)s."),
            "corrupt": _("The logo is not a valid image file."),
            "pixels": _("The logo has too many pixels (at most %(max)s million)."),
        },
    )
