import pytest

from tests.incentives.factories import make_tiers


@pytest.fixture
def tiers(db):
    return make_tiers()
