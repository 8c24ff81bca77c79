"""The client's IP address, trusting forwarding headers only as far as configured.

- ``PRM_CLIENT_IP_HEADER`` (env CLIENT_IP_HEADER, e.g. ``X-Real-IP``): a header that the
  proxy in front of the portal always overwrites; it is used as is.
- ``PRM_TRUSTED_PROXY_COUNT`` (env TRUSTED_PROXY_COUNT, default 0): the number of proxies
  that append to ``X-Forwarded-For``; the client is the entry that many places from the
  right. Entries further left were written by the client and are ignored.
- Neither: ``REMOTE_ADDR`` (a direct connection; X-Forwarded-For is client-controlled).

Every rate limit of the portal (allauth's through ``prm.access.adapters``, applications,
invitation mails) keys on this.
"""

import ipaddress

from django.conf import settings


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = _clean(request.META.get("REMOTE_ADDR")) or "unknown"
    header = getattr(settings, "PRM_CLIENT_IP_HEADER", "")
    if header:
        return _clean(request.headers.get(header)) or remote
    count = getattr(settings, "PRM_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("X-Forwarded-For", "")
    if count > 0 and forwarded:
        hops = [h for h in (p.strip() for p in forwarded.split(",")) if h]
        if len(hops) >= count:
            return _clean(hops[-count]) or remote
    return remote
