import pytest

from tests.bids.builders import give_holder_key
from tests.factories import make_user
from tests.tenders.builders import published_tender


@pytest.fixture(autouse=True)
def _platform_key(request, tmp_path):
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.fixture
def tender(entity_user, supervisor):
    """Published, bidding open, asking 20 000.00 of bid security (2% of the 1 000 000.00 ceiling)."""
    holders = [give_holder_key(entity_user), give_holder_key(supervisor), give_holder_key(make_user("supervisor"))]
    return published_tender(entity_user=entity_user, holders=holders, key_threshold=2, title="Bridge repair")
