"""Handing out private files after a view has checked who may see them.

``serve(request, fieldfile, ...)`` answers in one of four ways, chosen by settings:
- S3-compatible storage: a redirect to a short-lived signed URL (the bucket stays private);
- ``PRM_SENDFILE="x-accel-redirect"``: an empty response with ``X-Accel-Redirect`` set to
  ``PRM_SENDFILE_PREFIX`` + the file's name (nginx serves an ``internal`` location);
- ``PRM_SENDFILE="x-sendfile"``: ``X-Sendfile`` with the absolute path (Apache, lighttpd);
- otherwise Django streams the file itself, with single ``Range`` requests answered 206
  (video seeking).

``private_file_view`` makes a view answer 404 to anonymous requests instead of a redirect
to the login page: a file URL tells nobody that the file exists.
"""

import re
from functools import wraps
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views import static

from prm.files.storage import is_local

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def private_file_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def allow_framing_of(response, request, url: str):
    """Let this page frame one of the portal's own file URLs (the PDF preview) and nothing
    more: `frame-src` gets that URL (and the media store's origin, where a private file's
    URL redirects to a signed one), not `'self'`. The file response itself answers with
    `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN`, so only the portal frames it."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    media_origins = [source for source in directives.get("media-src", []) if source != "'self'"]
    response._csp_update = {"frame-src": [request.build_absolute_uri(url), *media_origins]}
    return response


def _secure(response, *, cache: str):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


def serve(
    request,
    fieldfile,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    as_attachment: bool = True,
    cache: str = "private, no-store",
):
    if not fieldfile:
        raise Http404
    storage = fieldfile.storage
    disposition = content_disposition_header(as_attachment, filename)
    if not is_local(storage):
        url = storage.url(
            fieldfile.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
        )
        return _secure(HttpResponseRedirect(url), cache="private, no-store")
    try:
        path = storage.path(fieldfile.name)
        size = storage.size(fieldfile.name)
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    mode = getattr(settings, "PRM_SENDFILE", "")
    if mode in ("x-accel-redirect", "x-sendfile"):
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = disposition
        if mode == "x-accel-redirect":
            prefix = getattr(settings, "PRM_SENDFILE_PREFIX", "/_private/")
            response["X-Accel-Redirect"] = prefix + quote(fieldfile.name)
        else:
            response["X-Sendfile"] = path
        return _secure(response, cache=cache)
    return _secure(_stream(request, path, size, content_type, disposition), cache=cache)


def _stream(request, path, size, content_type, disposition):
    handle = open(path, "rb")  # noqa: SIM115 - closed by the response
    header = request.headers.get("Range", "")
    match = RANGE_RE.match(header.strip()) if header else None
    if match and size > 0 and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:  # suffix range: the last N bytes
            start = max(size - int(match[2]), 0)
            end = size - 1
        if start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    return response


def _limited(handle, length):
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def public_logo(request, path):
    """A partner logo from the public folder (the one kind of upload that is public)."""
    response = static.serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "partners" / "logos")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
