"""A fixed-window counter in the cache, keyed by the trusted client IP (prm.http.clientip).

It fails open by default: when Redis is down or hung (bounded socket timeouts, see
CACHES), the request is allowed and a warning is logged; counting resumes when Redis is
back. A limit that protects someone other than the requester (mail to an address anyone
can type, attribution that pays out) passes `fail_closed=True`: it talks to Redis directly,
past the cache's fail-open layer, and counts an unreachable Redis as "over the limit".
"""

import logging

from django.core.cache import cache

from prm.http.clientip import client_ip

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, window: int, fail_closed: bool = False) -> bool:
    """Count one event for `key`; True when more than `limit` happened in `window` seconds
    (and, with `fail_closed`, when the count cannot be known)."""
    if fail_closed:
        count = strict_count(key, window=window)
        return count is None or count > limit
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        logger.warning("rate limit cache unavailable; allowing %s", key, exc_info=True)
        return False
    if count is None:  # django-redis with IGNORE_EXCEPTIONS swallowed an error
        return False
    return count > limit


def strict_count(key: str, *, window: int) -> int | None:
    """Count one event for `key` in a window of `window` seconds and return the count, or
    None when Redis cannot be reached (the caller decides what "unknown" means)."""
    try:
        return _strict_count(key, window)
    except Exception:
        logger.warning("rate limit store unavailable for %s", key, exc_info=True)
        return None


def _strict_count(key: str, window: int) -> int:
    """INCR with the window's expiry set when the key is created, on the raw redis-py client
    of django-redis (its errors are not swallowed there)."""
    client = cache.client.get_client(write=True)
    full_key = cache.make_and_validate_key(key)
    with client.pipeline() as pipe:
        pipe.set(full_key, 0, ex=window, nx=True)
        pipe.incr(full_key)
        _created, count = pipe.execute()
    return int(count)


def ip_limited(request, scope: str, *, limit: int, window: int) -> bool:
    return hit(f"rl:{scope}:{client_ip(request)}", limit=limit, window=window)
