"""Finding 2 of issue 12: re-keying keeps the holder's shares; the old passphrase is required; weak ones refused."""
import pytest
from django.urls import reverse
from nacl import pwhash

from trading import sealing
from trading.accounts.models import HolderKey
from trading.audit.models import AuditEntry
from trading.bids.models import KeyShare, TenderKey

from tests.factories import make_user
from tests.tenders.builders import passphrase, published_tender

pytestmark = pytest.mark.django_db
NEW = "a brand new opening passphrase"


def _opens(tender, *holders_and_passphrases):
    """Rebuild the tender key from the given holders' shares, each unlocked with its passphrase."""
    tender_key = TenderKey.objects.get(tender=tender)
    shares = []
    for holder, secret in holders_and_passphrases:
        private = sealing.unlock_holder_key(HolderKey.objects.get(user=holder).locked_private_key, secret)
        share = KeyShare.objects.get(tender_key=tender_key, holder=holder)
        shares.append(sealing.open_share(bytes(share.sealed_share), private))
    return sealing.rebuild_private_key(shares, bytes(tender_key.public_key))


def _rekey(client, user, old, new=NEW):
    client.force_login(user)
    data = {"passphrase": new, "passphrase_again": new}
    if old is not None:
        data["old_passphrase"] = old
    return client.post(reverse("accounts:profile"), data)


def test_re_keying_with_the_old_passphrase_moves_every_share_so_live_tenders_still_open(client):
    entity = make_user("entity")
    supervisor = make_user("supervisor")
    first = published_tender(entity_user=entity, holders=[entity, supervisor])
    second = published_tender(entity_user=entity, holders=[entity, supervisor], title="Second road")
    response = _rekey(client, supervisor, passphrase(supervisor))
    assert response.status_code == 302
    for tender in (first, second):
        assert len(_opens(tender, (entity, passphrase(entity)), (supervisor, NEW))) == 32
    with pytest.raises(sealing.SealingError):  # the old passphrase opens nothing any more
        sealing.unlock_holder_key(HolderKey.objects.get(user=supervisor).locked_private_key, passphrase(supervisor))
    entry = AuditEntry.objects.filter(action="accounts.register_holder_key", actor=supervisor).last()
    assert entry.summary == {"replaced": True, "resealed_shares": 2}
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Passphrase of your current key" in page


@pytest.mark.parametrize("old, message", [
    (None, "Give its passphrase to replace it"),
    ("not the old passphrase at all", "This is not the passphrase of your current key"),
])
def test_re_keying_without_the_old_passphrase_is_refused_and_destroys_nothing(client, old, message):
    entity = make_user("entity")
    supervisor = make_user("supervisor")
    tender = published_tender(entity_user=entity, holders=[entity, supervisor])
    key_before = bytes(HolderKey.objects.get(user=supervisor).locked_private_key)
    shares_before = sorted(bytes(s.sealed_share) for s in KeyShare.objects.filter(holder=supervisor))
    response = _rekey(client, supervisor, old)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["old_passphrase"])
    assert "Nothing was changed" in response.content.decode()
    assert bytes(HolderKey.objects.get(user=supervisor).locked_private_key) == key_before
    assert sorted(bytes(s.sealed_share) for s in KeyShare.objects.filter(holder=supervisor)) == shares_before
    assert len(_opens(tender, (entity, passphrase(entity)), (supervisor, passphrase(supervisor)))) == 32


def test_a_share_that_does_not_open_with_the_old_key_stops_the_change_and_nothing_moves(client):
    entity = make_user("entity")
    supervisor = make_user("supervisor")
    published_tender(entity_user=entity, holders=[entity, supervisor])
    broken = published_tender(entity_user=entity, holders=[entity, supervisor], title="Broken share")
    KeyShare.objects.filter(tender_key__tender=broken, holder=supervisor).update(sealed_share=b"garbage" * 10)
    key_before = bytes(HolderKey.objects.get(user=supervisor).locked_private_key)
    share_before = bytes(KeyShare.objects.exclude(tender_key__tender=broken).get(holder=supervisor).sealed_share)
    response = _rekey(client, supervisor, passphrase(supervisor))
    assert response.status_code == 200
    assert broken.reference in " ".join(response.context["form"].errors["old_passphrase"])
    assert bytes(HolderKey.objects.get(user=supervisor).locked_private_key) == key_before
    assert bytes(KeyShare.objects.exclude(tender_key__tender=broken).get(holder=supervisor).sealed_share) == share_before


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "password12", "Password1234", "abcdefghijkl", "1234567890123"])
def test_weak_passphrases_are_refused_with_the_reason(client, weak):
    supervisor = make_user("supervisor")
    client.force_login(supervisor)
    response = client.post(reverse("accounts:profile"), {"passphrase": weak, "passphrase_again": weak})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["passphrase"])
    assert "passphrase" in errors.lower() or "password" in errors.lower()
    assert not HolderKey.objects.filter(user=supervisor).exists()


@pytest.mark.parametrize("good", ["correct horse battery staple", "Gulou-drainage-2026!", "entity-opens-the-bids"])
def test_a_few_unrelated_words_pass(client, good):
    supervisor = make_user("supervisor")
    client.force_login(supervisor)
    assert client.post(reverse("accounts:profile"), {"passphrase": good, "passphrase_again": good}).status_code == 302
    assert HolderKey.objects.filter(user=supervisor).exists()


def test_new_personal_keys_cost_an_offline_guesser_at_least_argon2id_moderate(monkeypatch):
    monkeypatch.undo()  # the suite lowers the cost to Argon2's minimum for speed; look at the real one
    opslimit, memlimit = sealing.HOLDER_KEY_COST
    assert opslimit >= pwhash.argon2id.OPSLIMIT_MODERATE and memlimit >= pwhash.argon2id.MEMLIMIT_MODERATE
