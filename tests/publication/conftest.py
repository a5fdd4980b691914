import pytest


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    """The platform's signing key (notices are signed) in a temporary folder."""
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"
