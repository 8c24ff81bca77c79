"""allauth's provider pages through the tenancy matrix (tests/test_tenancy.py skips
allauth's URLs as foreign; single sign-on makes these ours to answer for)."""

import pytest

from tests import test_tenancy
from tests.sso.tenancy_rows import ALLAUTH_ROWS
from tests.tenancy import ROLES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ALLAUTH_ROWS, ids=lambda r: f"{r.name}:{r.method}")
def test_allauth_url_for_role(row, role, world, client_for):
    def hosted(user):
        client = client_for(user)
        client.defaults["HTTP_HOST"] = "localhost"
        return client

    test_tenancy.test_url_for_role(row, role, world, hosted)
