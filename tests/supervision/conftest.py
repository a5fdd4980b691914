import pytest


@pytest.fixture(autouse=True)
def _platform_key(request, tmp_path):
    """The platform's signing key in a temporary folder (pure tests run with -p no:django: nothing to set)."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"
