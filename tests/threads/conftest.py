import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def thread_a(world):
    from tests.threads.factories import answered_thread

    return answered_thread(world, with_attachment=True)
