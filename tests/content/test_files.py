"""File versions, upload validation and thumbnails (service, admin form and downloads)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content import files
from content.models import Asset
from content.services import asset_version_add
from tests.content.factories import AssetFactory, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def test_replacing_a_file_keeps_versions_and_partners_get_the_current_one(world, client_for):
    asset = AssetFactory(kind=Asset.Kind.FILE)
    v1 = asset_version_add(asset=asset, upload=pdf_upload("plan-v1.pdf"))
    v2 = asset_version_add(asset=asset, upload=pdf_upload("plan-v2.pdf"), note="Prices 2027")
    asset.refresh_from_db()
    assert [v.number for v in asset.versions.all()] == [2, 1]
    assert asset.current_version == v2
    assert v1.file.storage.exists(v1.file.name)
    response = client_for(world.member_a).get(reverse("content:download", args=[asset.pk]))
    assert "plan-v2.pdf" in response["Content-Disposition"]
    old = client_for(world.manager_a).get(reverse("content:staff_version_download", args=[v1.pk]))
    assert "plan-v1.pdf" in old["Content-Disposition"]


def test_image_gets_a_thumbnail(world, client_for):
    asset = AssetFactory(kind=Asset.Kind.FILE)
    version = asset_version_add(asset=asset, upload=png_upload(size=(1600, 900)))
    from PIL import Image

    with Image.open(version.thumbnail.open("rb")) as thumb:
        assert thumb.width <= 480 and thumb.height <= 320
    response = client_for(world.member_a).get(reverse("content:thumbnail", args=[asset.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_japanese_file_name_is_kept(world, client_for):
    asset = AssetFactory(kind=Asset.Kind.FILE)
    asset_version_add(asset=asset, upload=pdf_upload("価格表.pdf"))
    response = client_for(world.member_a).get(reverse("content:download", args=[asset.pk]))
    assert "filename*=utf-8''%E4%BE%A1%E6%A0%BC%E8%A1%A8.pdf" in response["Content-Disposition"]


def ooxml(part="ppt/"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{part}presentation.xml", "<p/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("script.exe", b"MZ\x90\x00", "type"),
        ("notes.txt", b"hello", "type"),
        ("fake.pdf", b"<html>not a pdf</html>", "mismatch"),
        ("fake.pptx", b"PK\x03\x04garbage", "mismatch"),
        ("sheet.xlsx", ooxml("ppt/"), "mismatch"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"),
        ("photo.jpg", png_upload().read(), "mismatch"),
        ("empty.pdf", b"", "empty"),
        ("clip.mp4", b"\x00\x00\x00\x18wrong", "mismatch"),
    ],
)
def test_upload_validation_rejects(name, data, code):
    with pytest.raises(ValidationError) as exc:
        files.check_upload(SimpleUploadedFile(name, data))
    assert exc.value.code == code


def test_truncated_image_is_rejected():
    data = png_upload(size=(300, 300)).read()
    with pytest.raises(ValidationError) as exc:
        files.check_upload(SimpleUploadedFile("cut.png", data[: len(data) // 2]))
    assert exc.value.code == "corrupt"


def test_oversized_file_is_rejected(settings):
    settings.CONTENT_MAX_FILE_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        files.check_upload(pdf_upload())
    assert exc.value.code == "size"


@pytest.mark.parametrize(
    ("name", "data", "file_type"),
    [
        ("deck.pptx", ooxml("ppt/"), "slides"),
        ("sheet.xlsx", ooxml("xl/"), "spreadsheet"),
        ("list.csv", "会社名,売上\nさくら,100\n".encode(), "spreadsheet"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20, "video"),
    ],
)
def test_upload_validation_accepts(name, data, file_type):
    assert files.check_upload(SimpleUploadedFile(name, data)).file_type == file_type


def _admin_post(client, **overrides):
    data = {
        "title": "Uploaded guide",
        "summary": "",
        "kind": "file",
        "language": "ja",
        "source": "company",
        "body": "",
        "url": "",
        "stages": ["selling"],
        "status": "published",
        "version_note": "",
        "shares-TOTAL_FORMS": "0",
        "shares-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return client.post(reverse("admin:content_asset_add"), data)


def test_admin_upload_creates_a_version_and_indexes(world, client_for):
    client = client_for(world.superuser)
    response = _admin_post(client, upload=pdf_upload("営業ガイド.pdf"))
    assert response.status_code == 302, response.getvalue().decode()[:2000]
    asset = Asset.objects.get(title="Uploaded guide")
    assert asset.current_version.original_name == "営業ガイド.pdf"
    assert asset.published_at is not None
    assert asset.search_vector


def test_admin_shows_field_errors_for_bad_uploads(world, client_for):
    world.superuser.language = "en"
    world.superuser.save()
    client = client_for(world.superuser)
    response = _admin_post(client, upload=SimpleUploadedFile("fake.pdf", b"nope"))
    assert response.status_code == 200
    assert "does not match its extension" in response.getvalue().decode()
    response = _admin_post(client, status="scheduled", upload=pdf_upload())
    assert "Choose when the asset is to be published." in response.getvalue().decode()
    response = _admin_post(client, stages=[], kind="link")
    body = response.getvalue().decode()
    assert "A link or tool needs its URL." in body
    assert not Asset.objects.exists()


def test_asset_page_previews_each_kind(world, client_for):
    client = client_for(world.member_a)
    pdf = AssetFactory(kind=Asset.Kind.FILE)
    asset_version_add(asset=pdf, upload=pdf_upload())
    image = AssetFactory(kind=Asset.Kind.FILE)
    asset_version_add(asset=image, upload=png_upload())
    video = AssetFactory(kind=Asset.Kind.VIDEO)
    asset_version_add(
        asset=video, upload=SimpleUploadedFile("demo.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20)
    )
    hosted = AssetFactory(kind=Asset.Kind.VIDEO, url="https://www.youtube.com/watch?v=abcDEF12345")
    article = AssetFactory(kind=Asset.Kind.ARTICLE, body="## Steps\n\n<script>alert(1)</script>**bold**")
    file_url = lambda a: reverse("content:file", args=[a.pk])  # noqa: E731
    assert (
        f'<object data="{file_url(pdf)}" type="application/pdf"'
        in client.get(reverse("content:detail", args=[pdf.pk])).getvalue().decode()
    )
    assert (
        f'<img src="{file_url(image)}"'
        in client.get(reverse("content:detail", args=[image.pk])).getvalue().decode()
    )
    assert (
        f'src="{file_url(video)}" aria-label="{video.title}" data-testid="preview-video"></video>'
        in client.get(reverse("content:detail", args=[video.pk])).getvalue().decode()
    )
    body = client.get(reverse("content:detail", args=[hosted.pk])).getvalue().decode()
    assert 'src="https://www.youtube-nocookie.com/embed/abcDEF12345"' in body
    body = client.get(reverse("content:detail", args=[article.pk])).getvalue().decode()
    assert "<h2>Steps</h2>" in body and "<strong>bold</strong>" in body and "<script>alert" not in body
