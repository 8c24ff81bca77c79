"""Test-client SSO tests: a Host header like a browser's, English messages."""

import pytest


@pytest.fixture(autouse=True)
def _host_header(client, settings):
    """Browsers always send Host; python3-saml builds its URLs from it and refuses Django's
    single-label "testserver" (it knows localhost)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    client.defaults["HTTP_HOST"] = "localhost"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages the tests read
