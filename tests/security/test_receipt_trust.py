"""Offline receipt checks trust only a pinned key, and refuse JSON that two readers could read two ways."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.bids.builders import submit
from trading import sealing
from trading.bids import receipts

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(tender_for_bids, contractor):
    return submit(contractor, tender_for_bids).receipt.document()


def self_signed_forgery(document):
    """A receipt for a bid that was never stored, signed with the forger's key and naming it."""
    seed = sealing.new_signing_seed()
    payload = dict(document["payload"], ciphertext_sha256="f" * 64, bid_id=999)
    payload["platform_public_key"] = sealing.signing_public_key(seed)
    payload["platform_key_id"] = receipts.key_id(payload["platform_public_key"])
    return {"payload": payload, "signature": sealing.sign(seed, sealing.canonical(payload))}


def test_without_a_trusted_key_no_receipt_is_called_valid(receipt, tmp_path, settings, capsys):
    forgery = tmp_path / "forgery.json"
    forgery.write_text(json.dumps(self_signed_forgery(receipt)))
    genuine = tmp_path / "genuine.json"
    genuine.write_text(json.dumps(receipt))
    pinned = receipts.platform_public_key()
    # Another machine: no platform key file of its own, and no key pinned.
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "absent.key"
    for path in (forgery, genuine):
        with pytest.raises(CommandError, match="not verified.*--public-key") as refused:
            call_command("verify_receipt", str(path))
        assert refused.value.returncode == 1
    # With the pinned key the genuine one verifies and the forgery is named for what it is.
    call_command("verify_receipt", str(genuine), "--public-key", pinned)
    assert capsys.readouterr().out.startswith("valid: receipt #")
    with pytest.raises(CommandError, match="not the platform key"):
        call_command("verify_receipt", str(forgery), "--public-key", pinned)
    assert not (tmp_path / "absent.key").exists()


def test_a_receipt_with_a_key_written_twice_is_refused_everywhere(receipt, tmp_path):
    forged = self_signed_forgery(receipt)["payload"]
    # The reader sees the first "payload", a lenient parser verifies the second (the last one wins).
    text = ('{"payload": %s, "payload": %s, "signature": "%s"}'
            % (json.dumps(forged), json.dumps(receipt["payload"]), receipt["signature"]))
    assert json.loads(text)["payload"] == receipt["payload"]  # what a lenient reader would have checked
    path = tmp_path / "twice.json"
    path.write_text(text)
    with pytest.raises(CommandError, match="appears twice"):
        call_command("verify_receipt", str(path), "--public-key", receipts.platform_public_key())
    page = Client().post(reverse("bids:verify_receipt"), {"receipt_text": text}).content.decode()
    assert "Valid: receipt" not in page and "appears twice" in page
    api = Client().post("/api/receipts/verify/", text, content_type="application/json")
    assert api.status_code == 400 and "appears twice" in api.json()["payload"][0]
    # Inside the payload too.
    inner = json.dumps(receipt).replace('"seq":', '"seq": 1, "seq":', 1)
    path.write_text(inner)
    with pytest.raises(CommandError, match="appears twice"):
        call_command("verify_receipt", str(path), "--public-key", receipts.platform_public_key())
