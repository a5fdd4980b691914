import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_user
from tests.tenders.builders import draft_tender
from trading import sealing
from trading.accounts.caller import Caller
from trading.bids.models import KeyShare, TenderKey
from trading.bids.keys import create_tender_key
from trading.tenders import clock
from trading.tenders import services as tender_services
from trading.tenders.models import TenderStatus

from .builders import HOLDER_PASSPHRASE, _holder_key, give_holder_key, rebuild_key


def test_publication_creates_the_public_key_and_one_sealed_share_per_holder(tender, holders):
    key = TenderKey.objects.get(tender=tender)
    assert key.threshold == 2 and len(bytes(key.public_key)) == 32
    assert key.revealed_private_key is None
    shares = KeyShare.objects.filter(tender_key=key)
    assert sorted(s.holder_id for s in shares) == sorted(u.pk for u in holders)
    # Each share opens only with its holder's personal key, unlocked by the passphrase.
    with pytest.raises(sealing.SealingError):
        sealing.unlock_holder_key(_holder_key()[1], "not the passphrase")
    holder_private = sealing.unlock_holder_key(_holder_key()[1], HOLDER_PASSPHRASE)
    opened = sealing.open_share(bytes(shares[0].sealed_share), holder_private)
    assert set(opened) == {"i", "lo", "hi"}


def test_k_shares_rebuild_the_key_and_fewer_cannot(tender):
    private = rebuild_key(tender, k=2)
    assert sealing.public_key_of(private) == bytes(tender.key.public_key)
    assert sealing.public_key_of(rebuild_key(tender, k=3)) == bytes(tender.key.public_key)
    with pytest.raises(sealing.SealingError):
        rebuild_key(tender, k=1)


def test_publication_fails_when_a_holder_has_no_personal_key(entity_user):
    give_holder_key(entity_user)
    keyless = make_user("supervisor")
    tender = draft_tender(entity_user, deadline=None)
    tender_services.update_tender(Caller(user=entity_user), tender, deadline=clock.now() + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        tender_services.publish_tender(Caller(user=entity_user), tender, [entity_user, keyless], threshold=2)
    assert "key_holders" in error.value.message_dict
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT
    assert not TenderKey.objects.filter(tender=tender).exists()


def test_the_bids_receiver_itself_refuses_a_holder_without_key(entity_user):
    """Even if tenders forgot to check, the receiver aborts the publication's transaction."""
    give_holder_key(entity_user)
    tender = draft_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        create_tender_key(tender, [entity_user, make_user("supervisor")], 2)
    assert "no personal key" in str(error.value)
    assert not TenderKey.objects.filter(tender=tender).exists()
