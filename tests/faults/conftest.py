import pytest


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.fixture
def tender_for_bids(entity_user):
    from tests.bids.builders import give_holder_key
    from tests.factories import make_user
    from tests.tenders.builders import published_tender

    holders = [give_holder_key(entity_user), give_holder_key(make_user("supervisor"))]
    return published_tender(entity_user=entity_user, holders=holders, key_threshold=2)
