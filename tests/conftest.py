import os
import shutil

import pytest
from nacl import pwhash

from trading import sealing

IN_CI = os.environ.get("CI", "").lower() == "true"
_skipped = []


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    # Database-level guarantees exist only on PostgreSQL: there they run, on SQLite
    # they are not collected at all (deselected, not skipped).
    if ON_POSTGRES:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # Under CI a skipped test is a check that did not run: count it as a failure.
    if IN_CI and _skipped:
        print(f"\nCI=true and {len(_skipped)} test(s) were skipped: {_skipped[:10]}")
        session.exitstatus = 1


def require_service(value, what):
    """Skip locally when a service is missing; under CI the skip is turned into a failure."""
    if not value:
        pytest.skip(f"{what} is not available (run the suite with `make test`)")
    return value


@pytest.fixture
def redis_url():
    return require_service(os.environ.get("SUNLIGHT_TEST_REDIS_URL"), "Redis")


@pytest.fixture
def chromium_path():
    return require_service(os.environ.get("CHROMIUM_PATH") or shutil.which("chromium"), "chromium")


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, tmp_path, monkeypatch):
    # Personal keys at Argon2's minimum cost: tests make many and never attack them. The cost travels
    # with each locked key, so Daphne subprocesses still open them.
    monkeypatch.setattr(sealing, "HOLDER_KEY_COST", (pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN))
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return  # pure tests run with -p no:django
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    if request.node.get_closest_marker("browser"):
        # Playwright's sync API runs an event loop in the test's thread; the test's ORM calls stay synchronous.
        # Set for browser tests only (not the whole process: production never sets it).
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    # A request in Chinese leaves the language active in this thread; the next test starts in the default.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def make_user(role):
    # imported here: the pure engine tests run without Django (-p no:django)
    from tests.factories import make_user as make

    return make(role)


@pytest.fixture
def contractor(db):
    return make_user("contractor")


@pytest.fixture
def other_contractor(db):
    return make_user("contractor")


@pytest.fixture
def entity_user(db):
    return make_user("entity")


@pytest.fixture
def supervisor(db):
    return make_user("supervisor")


@pytest.fixture
def discipline(db):
    return make_user("discipline")


@pytest.fixture
def expert(db):
    return make_user("expert")


@pytest.fixture
def admin_user(db):
    return make_user("admin")


@pytest.fixture
def finance(db):
    return make_user("finance")


@pytest.fixture
def admin_client(client, admin_user):
    """A client signed in to the admin site as the administrator (staff, as the admin site requires)."""
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client
