"""The one upload validator (prm.files.uploads) and the four places that use it."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from prm.files.uploads import validate_upload


def huge_png(width: int, height: int, name="logo.png") -> SimpleUploadedFile:
    """A tiny file whose header claims width x height pixels (a decompression bomb)."""
    out = BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = bytearray(data[12:29])  # b"IHDR" + 13 bytes of header data
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return SimpleUploadedFile(name, bytes(data), content_type="image/png")


def test_the_bomb_helper_really_claims_its_size():
    with Image.open(huge_png(10_000, 10_000)) as img:
        assert img.size == (10_000, 10_000)


@translation.override("en")
@pytest.mark.parametrize("size", [(10_000, 10_000), (20_000, 20_000)])
def test_pixel_caps_and_bombs_are_validation_errors(size):
    with pytest.raises(ValidationError) as exc:
        validate_upload(huge_png(*size), extensions={".png"}, max_bytes=10**6, max_pixels=40_000_000)
    assert exc.value.code == "pixels"


@translation.override("en")
@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.exe", b"MZ", "type"),
        ("a.pdf", b"MZ\x90 program", "mismatch"),
        ("a.pdf", b"", "empty"),
        ("a.zip", b"not a zip", "mismatch"),
        ("a.png", b"%PDF-1.4", "corrupt"),
        ("a.mp4", b"\x00\x00\x00\x18ftypmp42", None),
        ("a.txt", "日本語".encode("cp932"), None),
    ],
)
def test_content_decides_not_the_name(name, data, code):
    f = SimpleUploadedFile(name, data)
    exts = {".exe", ".pdf", ".zip", ".png", ".mp4", ".txt"} - {".exe"}
    if code is None:
        assert validate_upload(f, extensions=exts, max_bytes=1000).ext == name[1:]
    else:
        with pytest.raises(ValidationError) as exc:
            validate_upload(f, extensions=exts, max_bytes=1000)
        assert exc.value.code == code


def test_a_10000_by_10000_png_logo_is_a_form_error(world, client_for):
    from partners.models import Partner

    data = {"description": "Kansai reseller", "company_size": "3", "regions": ["JP"]}
    response = client_for(world.admin_a).post("/profile/", {**data, "logo": huge_png(10_000, 10_000)})
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert not Partner.objects.get(pk=world.partner_a.pk).logo


def test_a_bomb_attachment_in_threads_is_a_form_error_not_a_500(world, client_for):
    from threads.models import Thread

    response = client_for(world.member_a).post(
        "/questions/new/",
        {
            "subject": "Help",
            "category": "technical",
            "body": "See attached",
            "attachments": [huge_png(20_000, 20_000, name="screen.png")],
        },
    )
    assert response.status_code == 200
    assert "画素数" in str(response.context["form"].errors["attachments"])  # ja: the user's language
    assert not Thread.objects.exists()


def test_onboarding_documents_are_sniffed_not_just_named(world, client_for):
    from onboarding.models import TaskSubmission
    from tests.onboarding.factories import PlanFactory, TaskFactory

    task = TaskFactory(plan=PlanFactory(partner=world.partner_a), kind="upload")
    url = reverse("onboarding:task", args=[task.pk])
    client = client_for(world.member_a)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 a program named like a PDF")
    response = client.post(url, {"file": fake, "note": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not TaskSubmission.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 ok"), "note": "x"})
    assert response.status_code == 302
    assert TaskSubmission.objects.count() == 1


# --- Issue 21, finding 7f: pixels decoded per request ---------------------------------------


def real_png(width: int, height: int, name: str) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("L", (width, height)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@translation.override("en")
def test_images_in_one_request_share_a_pixel_budget():
    from prm.files.uploads import pixel_budget

    with pixel_budget(3_000_000) as budget:
        for n in range(2):
            validate_upload(real_png(1200, 1000, f"{n}.png"), extensions={".png"}, max_bytes=10**6)
        with pytest.raises(ValidationError) as exc:
            validate_upload(real_png(1200, 1000, "3.png"), extensions={".png"}, max_bytes=10**6)
    assert exc.value.code == "request_pixels" and "3 million" in exc.value.messages[0]
    assert budget.used == 2_400_000
    # The same file validated twice (a form, then the model) is counted once.
    with pixel_budget(1_500_000):
        same = real_png(1200, 1000, "same.png")
        validate_upload(same, extensions={".png"}, max_bytes=10**6)
        validate_upload(same, extensions={".png"}, max_bytes=10**6)


def test_one_post_with_five_large_images_decodes_only_what_fits(world, client_for, settings):
    """The attack of the finding, scaled down: five images that are each allowed alone."""
    from threads.models import Attachment, Thread

    settings.PRM_REQUEST_MAX_PIXELS = 3_000_000
    files = [real_png(1200, 1000, f"photo{n}.png") for n in range(5)]
    client = client_for(world.member_a)
    response = client.post(
        "/questions/new/", {"subject": "Photos", "category": "technical", "body": "x", "attachments": files}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["attachments"])
    assert "photo2.png" in errors and "photo0.png" not in errors
    assert not Thread.objects.exists() and not Attachment.objects.exists()
    # The next request has its own budget.
    ok = [real_png(1200, 1000, f"photo{n}.png") for n in range(2)]
    response = client.post(
        "/questions/new/", {"subject": "Photos", "category": "technical", "body": "x", "attachments": ok}
    )
    assert response.status_code == 302 and Attachment.objects.count() == 2


def test_the_middleware_is_installed(settings):
    assert "prm.files.uploads.PixelBudgetMiddleware" in settings.MIDDLEWARE
