"""The cache fails open: with Redis down, pages and sign-in keep working (docs/operations.md).

django-redis's IGNORE_EXCEPTIONS turns a lost connection into a miss (``None``). Two calls
need more than that to stay open: ``add`` (allauth's rate-limit lock waits for it to
succeed, then answers 429) and ``incr`` (counters compare its result). While Redis is
unreachable they answer as if the key were new; every such answer is logged.

A page reads and writes the cache many times (each cached value, its versions), and a hung
Redis costs the socket timeout each time: after one failure the client stops trying that
server for BREAK_SECONDS (a circuit breaker per server), so a page with Redis hung costs
one timeout, not dozens; then it tries again by itself.
"""

import logging
import time

from django_redis.cache import RedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger("prm.cache")


BREAK_SECONDS = 5.0
_broken_until: dict[str, float] = {}  # server location -> monotonic time to try again


def _breaking(method):
    def guarded(self, *args, **kwargs):
        location = self._server_location
        if time.monotonic() < _broken_until.get(location, 0.0):
            raise ConnectionInterrupted(connection=None)
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted:
            _broken_until[location] = time.monotonic() + BREAK_SECONDS
            raise

    return guarded


class BreakerClient(DefaultClient):
    """django-redis's client behind a circuit breaker: a failed call keeps the others of the
    next BREAK_SECONDS from waiting on the same server (they fail at once, and fail open)."""

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        self._server_location = repr(server)


for _name in (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "incr",
    "delete",
    "delete_many",
    "delete_pattern",
    "has_key",
    "touch",
    "expire",
    "ttl",
    "clear",
):
    setattr(BreakerClient, _name, _breaking(getattr(DefaultClient, _name)))


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._client_cls = BreakerClient

    def add(self, *args, **kwargs):
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted as exc:
            logger.warning("cache unreachable, add() fails open: %s", exc)
            return True

    def incr(self, key, delta=1, **kwargs):
        try:
            return self.client.incr(key, delta, **kwargs)
        except ConnectionInterrupted as exc:
            logger.warning("cache unreachable, incr() fails open: %s", exc)
            return delta
