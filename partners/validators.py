from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def validate_logo(file) -> None:
    """Accept only real PNG/JPEG/GIF/WebP images of reasonable size (Pillow decides, not the name)."""
    if file.size > settings.PRM_LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(settings.PRM_LOGO_MAX_BYTES)}
        )
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The logo is not a valid image file.")) from exc
    finally:
        file.seek(0)
    if fmt not in LOGO_FORMATS:
        raise ValidationError(_("Upload the logo as PNG, JPEG, GIF or WebP."))
