import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """The apply rate limit lives in Redis, which outlives a test: start each test clean."""
    cache.clear()
    yield
    cache.clear()
