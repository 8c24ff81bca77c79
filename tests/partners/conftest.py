import pytest
from django.core.cache import cache

from partners.views import rate_limit_key

TEST_IPS = ("127.0.0.1", "10.0.0.9")


@pytest.fixture(autouse=True)
def _reset_apply_rate_limit():
    """The apply rate limit lives in Redis, which outlives a test: start each test clean."""
    cache.delete_many([rate_limit_key(ip) for ip in TEST_IPS])
    yield
    cache.delete_many([rate_limit_key(ip) for ip in TEST_IPS])
