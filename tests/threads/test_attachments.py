import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.threads.factories import pdf_upload
from threads.models import Attachment, Thread
from threads.validators import validate_attachment


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def ooxml_bytes(prefix="word/"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{prefix}document.xml", "<doc/>")
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("spec.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("screen.PNG", png_bytes(), "image/png"),
        ("notes.txt", "日本語のログ\nline 2".encode(), "text/plain"),
        ("sjis.csv", "顧客,金額\n".encode("cp932"), "text/csv"),
        (
            "plan.docx",
            ooxml_bytes("word/"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "sheet.xlsx",
            ooxml_bytes("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_allowed_files_pass_with_their_type(name, data, content_type):
    assert validate_attachment(upload(name, data)) == content_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("page.html", b"<script>alert(1)</script>", "not accepted"),
        ("image.svg", b"<svg onload=alert(1)>", "not accepted"),
        ("noext", b"%PDF-1.4", "not accepted"),
        ("invoice.pdf", b"MZ\x90\x00 this is a program", "do not match"),
        ("photo.png", b"%PDF-1.4 not an image", "do not match"),
        ("photo.jpg", png_bytes(), "do not match"),
        ("report.docx", ooxml_bytes("xl/"), "do not match"),
        ("archive.docx", b"PK\x03\x04garbage", "do not match"),
        ("notes.txt", b"\x00\x01\x02binary", "do not match"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_type_or_contents_are_refused(name, data, message):
    with pytest.raises(ValidationError, match=message):
        validate_attachment(upload(name, data))


def test_too_large_is_refused(settings):
    settings.PRM_THREAD_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        validate_attachment(pdf_upload(size_pad=200))


def test_form_shows_field_errors_and_creates_nothing(world, client_for):
    response = client_for(world.member_a).post(
        "/questions/new/",
        {
            "subject": "Help",
            "category": "technical",
            "body": "See attached",
            "attachments": [upload("virus.exe", b"MZ"), upload("fake.pdf", b"nope")],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert len(form.errors["attachments"]) == 2
    assert Thread.objects.count() == 0


def test_too_many_files_are_refused(world, client_for):
    files = [pdf_upload(f"f{i}.pdf") for i in range(6)]
    response = client_for(world.member_a).post(
        "/questions/new/", {"subject": "Help", "category": "technical", "body": "x", "attachments": files}
    )
    assert "at most 5" in str(response.context["form"].errors["attachments"])


def test_upload_and_download_through_the_checked_view(world, client_for, settings):
    client = client_for(world.member_a)
    response = client.post(
        "/questions/new/",
        {
            "subject": "Error log",
            "category": "technical",
            "body": "Log attached",
            "attachments": [upload("error.log", b"Traceback: boom"), pdf_upload("spec.pdf")],
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(name="error.log")
    assert attachment.content_type == "text/plain" and attachment.size == len(b"Traceback: boom")
    # Stored outside MEDIA_ROOT and without a public URL.
    assert str(settings.MEDIA_ROOT) not in attachment.file.path
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    download = client.get(f"/questions/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Traceback: boom"
    assert download["Content-Type"] == "text/plain"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert client_for(world.admin_a).get(f"/questions/attachments/{attachment.pk}/").status_code == 200
    assert client_for(world.admin_b).get(f"/questions/attachments/{attachment.pk}/").status_code == 404
    assert (
        client_for(world.manager_other).get(f"/staff/questions/attachments/{attachment.pk}/").status_code
        == 404
    )
    assert (
        client_for(world.manager_a).get(f"/staff/questions/attachments/{attachment.pk}/").status_code == 200
    )
