import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.fixture
def zh_client():
    """A browser whose language choice (the cookie the language switch sets) is Simplified Chinese."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


@pytest.fixture
def zh_as(zh_client):
    def logged_in(user):
        zh_client.force_login(user)
        return zh_client
    return logged_in
