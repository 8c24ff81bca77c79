"""Uploads when the media storage is full or read-only: nothing half-written, a clear error.

``FileSystemStorage`` removes a file it created but could not finish (disk full, quota) and
raises ``StorageUnavailable``; ``StorageErrorMiddleware`` turns that into a message on the
page the upload came from (the service's transaction has rolled back by then, so no row
points at a missing file) and logs the cause for the operator (docs/operations.md).
"""

from __future__ import annotations

import errno
import logging
import os

from django.contrib import messages
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.shortcuts import redirect
from django.utils.translation import gettext as _

logger = logging.getLogger("prm.storage")
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


class StorageUnavailable(OSError):
    """The file could not be written; nothing of it was kept."""


class FileSystemStorage(DjangoFileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in STORAGE_ERRNOS:
                raise
            if not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)  # our own half-written file, created with O_EXCL
                except OSError:
                    logger.exception("could not remove the half-written upload %s", full_path)
            logger.error(
                "media storage %s: %s (%s)", self.location, exc.strerror, errno.errorcode.get(exc.errno)
            )
            raise StorageUnavailable(exc.errno, exc.strerror) from exc


class StorageErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageUnavailable):
            return None
        messages.error(
            request,
            _(
                "The file could not be stored: the file storage is full or read-only. "
                "Nothing was saved; please try again later or tell the portal team."
            ),
        )
        return redirect(request.get_full_path())
