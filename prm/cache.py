"""The cache backend: django-redis that fails open.

With IGNORE_EXCEPTIONS, django-redis answers a failed `add()` with False, which reads as
"somebody else holds it": allauth's rate-limit lock would then refuse every sign-in while
Redis is down. Here a failed `add()` answers True (as if the key was free), so locks and
counters let the request through; everything else misses quietly (IGNORE_EXCEPTIONS).
"""

import logging

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted:
            logger.warning("cache unavailable: add() fails open")
            return True
