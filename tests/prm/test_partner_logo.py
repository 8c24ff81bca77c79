from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from partners.images import resized_logo
from partners.validators import validate_logo


def image_file(fmt="PNG", size=(1200, 800), name="logo.png"):
    buf = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue())


def test_a_real_png_passes_and_is_resized_to_fit():
    upload = image_file()
    validate_logo(upload)
    resized = resized_logo(upload, name="acme")
    with Image.open(resized) as img:
        assert img.size == (400, 267)
        assert img.format == "PNG"


@translation.override("en")
def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="not a valid image"):
        validate_logo(SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image"))


@translation.override("en")
def test_an_unsupported_image_format_is_refused():
    with pytest.raises(ValidationError, match="PNG, JPEG"):
        validate_logo(image_file(fmt="BMP", size=(50, 50), name="logo.bmp"))


@translation.override("en")
def test_an_oversized_logo_is_refused(settings):
    settings.PRM_LOGO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        validate_logo(image_file())
