import pytest
from django.urls import reverse

from trading.accounts.models import HolderKey
from trading.audit.models import AuditEntry
from trading.sealing import SealingError, unlock_holder_key

pytestmark = pytest.mark.django_db
PASSPHRASE = "only-I-know-this-one"


def test_an_opening_official_registers_a_passphrase_that_unlocks_their_key(client, supervisor):
    client.force_login(supervisor)
    assert "Not registered" in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(reverse("accounts:profile"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    assert response.status_code == 302
    key = HolderKey.objects.get(user=supervisor)
    assert len(unlock_holder_key(key.locked_private_key, PASSPHRASE)) == 32
    with pytest.raises(SealingError):
        unlock_holder_key(key.locked_private_key, "a wrong passphrase")
    assert AuditEntry.objects.filter(action="accounts.register_holder_key", actor=supervisor).count() == 1
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Registered" in page and "Replace my key" in page


def test_replacing_the_key_changes_it(client, entity_user):
    client.force_login(entity_user)
    client.post(reverse("accounts:profile"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    first = bytes(HolderKey.objects.get(user=entity_user).public_key)
    client.post(reverse("accounts:profile"), {"passphrase": PASSPHRASE + "2", "passphrase_again": PASSPHRASE + "2",
                                              "old_passphrase": PASSPHRASE})
    assert bytes(HolderKey.objects.get(user=entity_user).public_key) != first
    assert AuditEntry.objects.get(seq=2).summary == {"replaced": True, "resealed_shares": 0}


@pytest.mark.parametrize("passphrase, again, field, message", [
    ("short", "short", "passphrase", "at least 10 characters"),
    (PASSPHRASE, PASSPHRASE + "x", "passphrase_again", "The two passphrases differ"),
])
def test_a_bad_passphrase_is_refused_on_its_field(client, entity_user, passphrase, again, field, message):
    client.force_login(entity_user)
    response = client.post(reverse("accounts:profile"), {"passphrase": passphrase, "passphrase_again": again})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not HolderKey.objects.exists() and not AuditEntry.objects.exists()


def test_a_contractor_has_no_key_form_and_cannot_post_one(client, contractor):
    client.force_login(contractor)
    assert "Opening key" not in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(reverse("accounts:profile"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    assert response.status_code == 403
    assert not HolderKey.objects.exists()


def test_every_page_header_links_to_the_profile(client, entity_user):
    client.force_login(entity_user)
    assert f'href="{reverse("accounts:profile")}"' in client.get(reverse("home")).content.decode()


def test_administrators_find_user_and_organisation_management_on_their_profile(client, admin_user, contractor):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("admin:index") in page and reverse("accounts:register_organisation") in page
    client.force_login(contractor)
    assert reverse("accounts:register_organisation") not in client.get(reverse("accounts:profile")).content.decode()
