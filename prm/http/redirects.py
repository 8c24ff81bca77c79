from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, value: str | None, fallback: str) -> str:
    """`value` when it points back into this site (same host, no scheme tricks such as
    `//evil.example` or `/\\evil.example`), otherwise `fallback`."""
    # A path of this site only: also never a bare word, which redirect() would take for a
    # URL name (NoReverseMatch, a 500).
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return fallback
