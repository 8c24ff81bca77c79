"""Every API error in one JSON shape, with messages in the request's language:

    {"status": 409, "code": "deal_not_editable", "message": "This registration can no
     longer be changed.", "errors": [], "details": {}}

`code` is stable and meant for programs; `message` is for people (Japanese or English from
Accept-Language); `errors` lists field problems ({"field", "code", "message"}, field null
for the request as a whole); `details` carries ids the client can act on (the existing
registration of a duplicate, the seconds to wait after a 429).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """An error with a stable code and optional details for the client."""

    def __init__(self, message, *, code: str, status_code: int = status.HTTP_409_CONFLICT, details=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.code = code
        self.details = details or {}


def conflict(message, *, code: str = "invalid_state", **details) -> ApiError:
    return ApiError(message, code=code, status_code=status.HTTP_409_CONFLICT, details=details)


CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "invalid_token",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid",
}


def _field_errors(detail, prefix: str | None = None) -> list[dict]:
    """DRF's nested error detail as a flat list of {"field", "code", "message"}."""
    rows = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = None if key in ("non_field_errors", "__all__") else key
            name = f"{prefix}.{field}" if prefix and field else (field or prefix)
            rows += _field_errors(value, name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, str):
                rows += _field_errors(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                rows += _field_errors(value, prefix)
    else:
        rows.append({"field": prefix, "code": getattr(detail, "code", "invalid"), "message": str(detail)})
    return rows


def _code(exc) -> str:
    if isinstance(exc, ApiError):
        return exc.code
    for klass, code in CODES.items():
        if isinstance(exc, klass):
            return code
    detail_code = getattr(exc.detail, "code", None) if hasattr(exc, "detail") else None
    return detail_code or getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # one message, in the request's language, whatever the lookup
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler500 (logged, reported)
    errors, message, details = [], None, {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        message = _("The request has invalid fields; see errors.")
        if len(errors) == 1 and errors[0]["field"] is None:
            message = errors[0]["message"]
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if isinstance(exc, ApiError):
        details = exc.details
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        details = {"retry_after": int(exc.wait + 0.999)}
        message = _("Too many requests with this token. Try again in %(seconds)s seconds.") % {
            "seconds": details["retry_after"]
        }
    code = _code(exc)
    if isinstance(exc, exceptions.PermissionDenied):
        code = getattr(exc.detail, "code", None) or "permission_denied"
        if code == "permission_denied" and not str(exc.detail).strip():
            message = str(exceptions.PermissionDenied.default_detail)
    response.data = {
        "status": response.status_code,
        "code": code,
        "message": str(message),
        "errors": errors,
        "details": details,
    }
    return response
