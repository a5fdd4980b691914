import pytest


@pytest.fixture(autouse=True)
def _browser_test(monkeypatch, settings, tmp_path):
    # Playwright's sync API runs an event loop in the test's thread; the ORM calls of the test are still
    # synchronous. Set for these tests only (not the whole process: production never sets it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Records, receipts and notices sign with a platform key of the test's own.
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"
