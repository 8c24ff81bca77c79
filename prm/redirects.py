from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, value: str | None, fallback: str) -> str:
    """`value` when it points back into this site (same host, no scheme tricks such as
    `//evil.example` or `/\\evil.example`), otherwise `fallback`."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback
