"""A fixed-window counter in the cache, keyed by the trusted client IP (prm.clientip).

It fails open: when Redis is down or hung (bounded socket timeouts, see CACHES), the
request is allowed and a warning is logged; counting resumes when Redis is back.
"""

import logging

from django.core.cache import cache

from prm.clientip import client_ip

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for `key`; True when more than `limit` happened in `window` seconds."""
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


def ip_limited(request, scope: str, *, limit: int, window: int) -> bool:
    return hit(f"rl:{scope}:{client_ip(request)}", limit=limit, window=window)
