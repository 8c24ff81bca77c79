import pytest


class Hooks:
    """Stand-ins for the other apps' hook functions (None: the app is absent)."""

    def __init__(self):
        self.values = {}
        self.calls = []

    def __call__(self, path, /, **kwargs):
        self.calls.append((path, kwargs))
        value = self.values.get(path)
        return value(**kwargs) if callable(value) else value


@pytest.fixture
def hooks(monkeypatch):
    fake = Hooks()
    monkeypatch.setattr("content.queries.call_hook", fake)
    monkeypatch.setattr("content.services.call_hook", fake)
    return fake


@pytest.fixture(autouse=True)
def _english():
    """Service calls outside a request run in English (pages follow the user's language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
