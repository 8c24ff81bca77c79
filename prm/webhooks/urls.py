"""Which URLs may receive webhooks: the portal's one rule for web addresses first
(`prm.text.weburl`: http or https, cleaned as a browser reads it), then stricter: https only
(http too in development and tests, where receivers run on this machine), no user name or
password, no fragment."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prm.text.weburl import WebURLValidator, clean_web_url


def allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if getattr(settings, "PRM_WEBHOOK_ALLOW_PRIVATE", False) else ("https",)


def validate_endpoint_url(value: str) -> None:
    text = value or ""
    if clean_web_url(text) != text or any(ch.isspace() for ch in text):
        raise ValidationError(_("Enter the URL without spaces or control characters."), code="invalid")
    WebURLValidator()(text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in allowed_schemes():
        raise ValidationError(_("Enter an https:// URL."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("Enter a full URL with a host name."), code="invalid")
    if parts.username or parts.password or "@" in parts.netloc:
        raise ValidationError(_("Leave user names and passwords out of the URL."), code="credentials")
    if parts.fragment:
        raise ValidationError(_("Leave the #fragment out of the URL."), code="invalid")
