"""The cache fails open: with Redis down, pages and sign-in keep working (docs/operations.md).

django-redis's IGNORE_EXCEPTIONS turns a lost connection into a miss (``None``). Two calls
need more than that to stay open: ``add`` (allauth's rate-limit lock waits for it to
succeed, then answers 429) and ``incr`` (counters compare its result). While Redis is
unreachable they answer as if the key were new; every such answer is logged.
"""

import logging

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger("prm.cache")


class FailOpenRedisCache(RedisCache):
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
