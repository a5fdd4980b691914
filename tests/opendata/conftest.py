import pytest


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's after-commit callbacks (the test's transaction never commits): publication happens there."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
