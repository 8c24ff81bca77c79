"""Private by default: every upload except logos lives outside MEDIA_ROOT (or in a private
bucket) and is only handed out by views that check the page's own access rule."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content.models import Asset, AssetShare
from content.services import asset_version_add
from tests.content.factories import AssetFactory, png_upload

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # 10,252 bytes


def _asset(world, upload=None, title="Alpha private file"):
    asset = AssetFactory(title=title, kind=Asset.Kind.FILE, shared_only=True)
    AssetShare.objects.create(asset=asset, partner=world.partner_a)
    asset_version_add(asset=asset, upload=upload or png_upload("plan.png"))
    asset.refresh_from_db()
    return asset


def _private_urls(world):
    from tests.onboarding.tenancy_rows import a_data
    from tests.threads.tenancy_rows import attachment_kw

    asset = _asset(world)
    a, m = world.member_a, world.manager_a
    # (url, someone allowed, someone from the wrong partner / not assigned)
    return [
        (reverse("content:download", args=[asset.pk]), a, world.admin_b),
        (reverse("content:file", args=[asset.pk]), a, world.admin_b),
        (reverse("content:thumbnail", args=[asset.pk]), a, world.admin_b),
        # Channel managers own the whole library; partners never reach the staff URL.
        (reverse("content:staff_version_download", args=[asset.current_version_id]), m, world.admin_b),
        (reverse("threads:attachment", kwargs=attachment_kw(world)), a, world.admin_b),
        (reverse("threads:staff_attachment", kwargs=attachment_kw(world)), m, world.manager_other),
        (
            reverse("onboarding:staff_submission_file", args=[a_data(world)["submission"].pk]),
            m,
            world.manager_other,
        ),
    ]


def test_it_stores_content_thumbnails_and_documents_outside_media_root(world):
    from tests.onboarding.tenancy_rows import a_data

    asset = _asset(world)
    version = asset.current_version
    submission = a_data(world)["submission"]
    media = Path(settings.MEDIA_ROOT).resolve()
    for fieldfile in (version.file, version.thumbnail, submission.file):
        assert fieldfile.storage is storages["private"]
        assert media not in Path(fieldfile.path).resolve().parents
        with pytest.raises(ValueError):
            fieldfile.url  # noqa: B018 - no public URL at all


def test_it_answers_404_to_anonymous_and_wrong_partner_for_every_private_file(world, client_for):
    for url, owner, outsider in _private_urls(world):
        assert client_for(owner).get(url).status_code == 200, url
        assert client_for(None).get(url).status_code == 404, url
        expected = 403 if url.startswith("/staff/") and not outsider.is_staff else 404
        assert client_for(outsider).get(url).status_code == expected, url


def test_it_serves_byte_ranges_for_video(world, client_for):
    asset = _asset(world, SimpleUploadedFile("intro.mp4", VIDEO, content_type="video/mp4"))
    url = reverse("content:file", args=[asset.pk])
    client = client_for(world.member_a)
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == VIDEO
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"
    assert b"".join(part.streaming_content) == VIDEO[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == VIDEO[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(VIDEO)}-").status_code == 416


@pytest.mark.parametrize(
    ("mode", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")]
)
def test_it_hands_files_to_the_web_server_when_configured(world, client_for, settings, mode, header):
    settings.PRM_SENDFILE = mode
    asset = _asset(world)
    response = client_for(world.member_a).get(reverse("content:download", args=[asset.pk]))
    assert response.status_code == 200
    assert response.content == b""
    name = asset.current_version.file.name
    if mode == "x-accel-redirect":
        assert response[header] == "/_private/" + name
    else:
        assert response[header] == asset.current_version.file.path
    assert "attachment" in response["Content-Disposition"]
    # ... and still only after the access check.
    assert client_for(world.admin_b).get(reverse("content:download", args=[asset.pk])).status_code == 404


def test_the_migration_helper_moves_old_public_files(world):
    from content.models import AssetVersion
    from prm.files.storage import move_public_files_to_private

    asset = _asset(world)
    version = asset.current_version
    name = version.file.name
    data = storages["private"].open(name).read()
    storages["private"].delete(name)
    storages["default"].save(name, ContentFile(data))
    assert move_public_files_to_private(AssetVersion, ["file", "thumbnail"]) == 1
    assert storages["private"].open(name).read() == data
    assert not storages["default"].exists(name)
    assert move_public_files_to_private(AssetVersion, ["file", "thumbnail"]) == 0


# --- S3-compatible object storage, against a real moto server --------------------------
def _free_port() -> int:
    for port in range(9350, 9399):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 9350-9398")


@pytest.fixture(scope="module")
def moto_endpoint():
    port = _free_port()
    exe = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)  # noqa: S310 - loopback
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_storages(moto_endpoint, settings, monkeypatch):
    import boto3
    import environ

    for key, value in {
        "MEDIA_STORAGE_URL": "s3://prm-media/site",
        "AWS_S3_ENDPOINT_URL": moto_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "MEDIA_SIGNED_URL_SECONDS": "30",
    }.items():
        monkeypatch.setenv(key, value)
    boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="prm-media")
    from prm.files.storage import storages_from_env

    settings.STORAGES = storages_from_env(
        environ.Env(), static_backend=settings.STORAGES["staticfiles"]["BACKEND"]
    )
    # Fields evaluate the storage callable once, when the models load (as a process would
    # at start-up with these variables set).
    from content.models import AssetVersion

    for name in ("file", "thumbnail"):
        monkeypatch.setattr(AssetVersion._meta.get_field(name), "storage", storages["private"])
    return moto_endpoint


def test_it_stores_private_files_in_a_private_bucket_with_short_signed_urls(world, client_for, s3_storages):
    asset = _asset(world, title="Alpha bucket file")
    version = asset.current_version
    assert version.file.name.startswith("content/assets/")
    assert type(version.file.storage).__name__ == "S3Storage"
    response = client_for(world.member_a).get(reverse("content:download", args=[asset.pk]))
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(s3_storages + "/prm-media/site/private/content/assets/")
    assert "X-Amz-Expires=30" in signed
    assert "response-content-disposition=attachment" in signed
    with urllib.request.urlopen(signed, timeout=5) as got:  # noqa: S310 - loopback
        assert got.read()[:8] == b"\x89PNG\r\n\x1a\n"
    # Unsigned: the object is not public.
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(signed.split("?")[0], timeout=5)  # noqa: S310 - loopback
    assert exc.value.code == 403
    # The view still decides first.
    assert client_for(world.admin_b).get(reverse("content:download", args=[asset.pk])).status_code == 404
    assert client_for(None).get(reverse("content:download", args=[asset.pk])).status_code == 404


def test_logos_stay_public_and_are_served_without_debug(world, client, settings):
    from django.core.files.base import ContentFile as CF

    from tests.content.factories import png_upload as png

    partner = world.partner_a
    partner.logo.save("alpha.png", CF(png().read()), save=True)
    assert not isinstance(partner.logo.storage, type(storages["private"]))
    assert partner.logo.url.startswith("/media/partners/logos/")
    response = client.get(partner.logo.url)  # anonymous: logos are public by design
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    assert client.get("/media/partners/logos/../../private-media/x").status_code == 404
