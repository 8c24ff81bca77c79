"""The two file storages of the portal, configured from the environment (prm/settings.py).

- ``default``: public files (partner logos only), served from MEDIA_URL or the bucket.
- ``private``: everything else that is uploaded (content files and thumbnails, onboarding
  documents, thread attachments). It never has a public URL: files are handed out by views
  that check the same audience or ownership rule as the page (``prm.files.serving.serve``).

Model fields use the callable ``private_storage`` so that switching the backend by
environment never changes a migration.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property

from prm.files import filesystem


def private_storage():
    return storages["private"]


def is_local(storage) -> bool:
    return isinstance(storage, FileSystemStorage)


class PrivateFileSystemStorage(filesystem.FileSystemStorage):
    """A folder outside MEDIA_ROOT (which may be served publicly); no URLs."""

    @cached_property
    def base_location(self):
        configured = self._location or getattr(settings, "PRM_PRIVATE_MEDIA_ROOT", None)
        return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private-media"

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("PRM_PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


def storages_from_env(env, *, static_backend: str) -> dict:
    """STORAGES for settings: local folders unless MEDIA_STORAGE_URL names an S3 bucket.

    MEDIA_STORAGE_URL=s3://bucket[/prefix]  with optional AWS_S3_ENDPOINT_URL (any
    S3-compatible store), AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    (or the instance's role). Private files get signed URLs valid for
    MEDIA_SIGNED_URL_SECONDS (default 60); the bucket itself stays private.
    """
    static = {"BACKEND": static_backend}
    url = env("MEDIA_STORAGE_URL", default="")
    if not url:
        return {
            "default": {"BACKEND": "prm.files.filesystem.FileSystemStorage"},
            "private": {"BACKEND": "prm.files.storage.PrivateFileSystemStorage"},
            "staticfiles": static,
        }
    if not url.startswith("s3://"):
        raise ValueError("MEDIA_STORAGE_URL must look like s3://bucket/prefix")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    common = {
        "bucket_name": bucket,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "default_acl": None,  # the bucket's policy decides; objects are never public-read
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    if env("AWS_ACCESS_KEY_ID", default=""):
        common["access_key"] = env("AWS_ACCESS_KEY_ID")
        common["secret_key"] = env("AWS_SECRET_ACCESS_KEY")
    seconds = env.int("MEDIA_SIGNED_URL_SECONDS", default=60)
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            # Logos: long-lived signed URLs (pages are cached briefly; the bucket stays private).
            "OPTIONS": {
                **common,
                "location": "/".join(p for p in (prefix, "public") if p),
                "querystring_expire": 3600,
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "/".join(p for p in (prefix, "private") if p),
                "querystring_expire": seconds,
            },
        },
        "staticfiles": static,
    }


def move_public_files_to_private(model, fields) -> int:
    """Data migrations: copy files uploaded before the private storage existed out of the
    public storage (then delete them there). Idempotent; missing files are skipped."""
    public, private = storages["default"], storages["private"]
    moved = 0
    for obj in model.objects.all().only("pk", *fields).iterator():
        for field in fields:
            name = getattr(obj, field).name
            if not name or private.exists(name) or not public.exists(name):
                continue
            with public.open(name, "rb") as handle:
                saved = private.save(name, handle)
            if saved != name:  # never expected; keep the row pointing at the real file
                type(obj).objects.filter(pk=obj.pk).update(**{field: saved})
            public.delete(name)
            moved += 1
    return moved


def media_storage_origin(env) -> str:
    """The origin signed URLs point at (for the Content-Security-Policy), or ''."""
    url = env("MEDIA_STORAGE_URL", default="")
    if not url.startswith("s3://"):
        return ""
    endpoint = env("AWS_S3_ENDPOINT_URL", default="")
    if endpoint:
        parts = endpoint.split("/")
        return "/".join(parts[:3])
    bucket = url.removeprefix("s3://").split("/")[0]
    return f"https://{bucket}.s3.amazonaws.com"
