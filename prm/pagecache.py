"""Cached reads under versioned keys (Redis through Django's cache, failing open).

A value is stored under its key plus the current version of every scope it depends on
("tiers", "partner:42"); the events that change the data bump the scope (`bump`), so the
next read misses and recomputes. Nothing is deleted: old versions expire by their timeout.
With Redis down every read is a miss and the value is computed (pages stay correct).

    tiers = cached(("tiers",), "incentives:tiers", lambda: list(Tier.objects.all()))
    bump("tiers")   # from the receiver of the event that changed tiers
"""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

DEFAULT_TIMEOUT = 3600


def _version_key(scope: str) -> str:
    return f"v:{scope}"


def versions(scopes: Iterable[str]) -> str:
    """The current versions of `scopes` as one key part ("3.1")."""
    keys = [_version_key(s) for s in scopes]
    found = cache.get_many(keys) if keys else {}
    for key in keys:
        if key not in found:
            # A new (or evicted) scope starts at a number never used before, so an entry
            # cached under an older version can never be read again.
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key, "none")
    return ".".join(str(found[key]) for key in keys)


def bump(*scopes: str) -> None:
    """Invalidate everything cached under these scopes: now (later reads in the same
    transaction see the change) and again once the transaction commits (another
    connection may have cached the old rows under the first new version meanwhile)."""

    def run():
        for scope in scopes:
            key = _version_key(scope)
            try:
                cache.incr(key)
            except ValueError:  # never read yet, or evicted
                cache.set(key, time.time_ns(), None)

    run()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(run)


def cached(scopes: Iterable[str], key: str, compute: Callable, timeout: int = DEFAULT_TIMEOUT):
    """`compute()`, kept under `key` until one of `scopes` is bumped (or `timeout`)."""
    full_key = f"pc:{key}:{versions(scopes)}"
    # Stored in a 1-tuple: a cached None stays distinct from a miss (or Redis being down).
    hit = cache.get(full_key)
    if isinstance(hit, tuple):
        return hit[0]
    value = compute()
    cache.set(full_key, (value,), timeout)
    return value
