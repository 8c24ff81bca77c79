"""A full or read-only media disk: no half-written file, a clear message (tests/faults/media.py
does the same on a real full / read-only mount)."""

import errno

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from prm.files.filesystem import FileSystemStorage, StorageErrorMiddleware, StorageUnavailable


class DiskFullAfterFirstChunk(ContentFile):
    def chunks(self, chunk_size=None):
        yield b"first part"
        raise OSError(errno.ENOSPC, "No space left on device")


def test_it_removes_the_half_written_file_when_the_disk_is_full(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    with pytest.raises(StorageUnavailable):
        storage.save("report.pdf", DiskFullAfterFirstChunk(b"", name="report.pdf"))
    assert list(tmp_path.iterdir()) == []


def test_it_keeps_other_errors_as_they_are(tmp_path):
    class Broken(ContentFile):
        def chunks(self, chunk_size=None):
            raise OSError(errno.EBADF, "Bad file descriptor")

    with pytest.raises(OSError) as caught:
        FileSystemStorage(location=tmp_path).save("x.txt", Broken(b"", name="x.txt"))
    assert not isinstance(caught.value, StorageUnavailable)


def test_the_middleware_answers_with_a_message_on_the_same_page(rf: RequestFactory):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/questions/3/?tab=reply")
    request.session = {}
    request._messages = FallbackStorage(request)
    middleware = StorageErrorMiddleware(lambda r: HttpResponse())
    with translation.override("en"):
        response = middleware.process_exception(
            request, StorageUnavailable(errno.EROFS, "Read-only file system")
        )
    assert response.status_code == 302
    assert response.url == "/questions/3/?tab=reply"
    assert "could not be stored" in str(next(iter(request._messages)))
    assert middleware.process_exception(request, ValueError()) is None
