import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def thread_a(world):
    from tests.threads.factories import answered_thread

    return answered_thread(world, with_attachment=True)


@pytest.fixture(autouse=True)
def _english_ui(request):
    """Assertions read English; tests that check Japanese set the language themselves."""
    if "world" not in request.fixturenames:
        return
    from prm.models import User

    world = request.getfixturevalue("world")
    User.objects.update(language="en")
    for role in ("admin_a", "member_a", "admin_b", "manager_a", "manager_other", "support", "superuser"):
        getattr(world, role).language = "en"


@pytest.fixture(autouse=True)
def _english_messages():
    """Service and validator messages outside a request are read in English by the tests."""
    from django.utils import translation

    with translation.override("en"):
        yield
