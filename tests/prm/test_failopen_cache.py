"""With Redis unreachable the cache fails open: misses, and add()/incr() answer as for a new key."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT

from prm.cache.failopen import FailOpenRedisCache


def unreachable_cache():
    return FailOpenRedisCache(
        "unix:///nonexistent/redis.sock?db=1",
        {"OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}},
    )


def test_it_fails_open_when_redis_is_unreachable():
    cache = unreachable_cache()
    assert cache.get("k") is None
    assert cache.add("lock", True, timeout=DEFAULT_TIMEOUT) is True
    assert cache.incr("counter") == 1
    cache.set("k", 1)  # no error
