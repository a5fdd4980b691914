import pytest

from tests.factories import make_user
from tests.tenders.builders import published_tender

from .builders import LOTS, give_holder_key


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.fixture
def holders(entity_user, supervisor):
    return [give_holder_key(entity_user), give_holder_key(supervisor), give_holder_key(make_user("supervisor"))]


@pytest.fixture
def tender(entity_user, holders):
    return published_tender(entity_user=entity_user, holders=holders, key_threshold=2, title="Bridge repair")


@pytest.fixture
def lot_tender(entity_user, holders):
    """A published tender divided into two lots (numbers 1 and 2)."""
    return published_tender(entity_user=entity_user, holders=holders, key_threshold=2, title="Ring road in lots",
                            lots=LOTS)
