import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from trading import sealing
from trading.bids import receipts

from .builders import submit


@pytest.fixture
def receipt_document(tender, contractor):
    return submit(contractor, tender).receipt.document()


def forged(document):
    """A receipt signed by someone else's key that names that key: self-consistent, but not the platform's."""
    seed = sealing.new_signing_seed()
    payload = dict(document["payload"], ciphertext_sha256="0" * 64)
    payload["platform_public_key"] = sealing.signing_public_key(seed)
    payload["platform_key_id"] = receipts.key_id(payload["platform_public_key"])
    return {"payload": payload, "signature": sealing.sign(seed, sealing.canonical(payload))}


def tampered(document):
    return {**document, "payload": dict(document["payload"], server_time="2020-01-01T00:00:00+00:00")}


def test_the_receipt_names_everything_needed_to_hold_the_platform_to_it(tender, contractor):
    submission = submit(contractor, tender)
    payload = submission.receipt.payload
    assert payload["tender"] == tender.reference
    assert payload["bidder"] == contractor.organisation.credit_code
    assert (payload["bid_id"], payload["version"]) == (submission.bid.pk, 1)
    assert payload["ciphertext_sha256"] == sealing.digest(bytes(submission.bid.sealed_content))
    assert payload["seq"] == submission.receipt.seq
    # When the submission arrived (the deadline is judged at it) and when it was stored.
    assert payload["arrived_at"] == submission.bid.received_at.isoformat()
    assert payload["server_time"] == submission.receipt.issued_at.isoformat()
    assert payload["arrived_at"] <= payload["server_time"]
    assert payload["platform_public_key"] == receipts.platform_public_key()
    assert payload["platform_key_id"] == receipts.key_id(receipts.platform_public_key())
    assert receipts.problems(submission.receipt.document(), receipts.platform_public_key()) == []


def test_the_platform_key_is_created_once_with_mode_600(receipt_document, settings):
    path = settings.PLATFORM_SIGNING_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sealing.signing_public_key(bytes.fromhex(path.read_text())) == receipt_document["payload"][
        "platform_public_key"]


def test_the_command_accepts_a_valid_receipt_and_rejects_tampered_and_forged_ones(receipt_document, tmp_path,
                                                                                  capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(receipt_document))
    call_command("verify_receipt", str(good))
    assert capsys.readouterr().out.startswith("valid: receipt #")

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered(receipt_document)))
    with pytest.raises(CommandError, match="signature does not match") as error:
        call_command("verify_receipt", str(bad))
    assert error.value.returncode == 1

    fake = tmp_path / "fake.json"
    fake.write_text(json.dumps(forged(receipt_document)))
    with pytest.raises(CommandError, match="not the platform key"):
        call_command("verify_receipt", str(fake), "--public-key", receipts.platform_public_key())

    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("verify_receipt", str(junk))


def test_the_command_works_offline_in_a_fresh_process(receipt_document, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered(receipt_document)))
    # Another machine: no database, no platform key file, only the pinned public key.
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/none.sqlite3",
           "PLATFORM_SIGNING_KEY_FILE": str(tmp_path / "absent.key"), "SUNLIGHT_VAR_DIR": str(tmp_path / "var")}
    key = receipt_document["payload"]["platform_public_key"]
    manage = [sys.executable, str(django_settings.BASE_DIR / "manage.py"), "verify_receipt"]
    failed = subprocess.run(manage + [str(bad), "--public-key", key], env=env, capture_output=True, text=True)
    assert failed.returncode == 1
    assert len(failed.stderr.strip().splitlines()) == 1 and "invalid" in failed.stderr
    assert not (tmp_path / "absent.key").exists()


def _verify_page(client, **data):
    return client.post(reverse("bids:verify_receipt"), data).content.decode()


def test_anyone_checks_a_receipt_on_the_page(client, receipt_document):
    page = _verify_page(client, receipt_text=json.dumps(receipt_document))
    assert "Valid: receipt #" in page
    page = _verify_page(client, receipt_text=json.dumps(tampered(receipt_document)))
    assert "Invalid receipt." in page and "signature does not match" in page
    page = _verify_page(client, receipt_text=json.dumps(forged(receipt_document)))
    assert "Invalid receipt." in page and "not the platform key" in page
    page = _verify_page(client, receipt_text="[1, 2")
    assert "not valid JSON" in page
    upload = SimpleUploadedFile("receipt.json", json.dumps(receipt_document).encode())
    assert "Valid: receipt #" in client.post(reverse("bids:verify_receipt"), {"receipt_file": upload}).content.decode()
    assert "Paste a receipt" in _verify_page(client)


def test_the_api_checks_receipts_and_publishes_the_key(client, receipt_document):
    answer = client.post("/api/receipts/verify/", json.dumps(receipt_document), content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"valid": True, "reasons": []}
    answer = client.post("/api/receipts/verify/", json.dumps(tampered(receipt_document)),
                         content_type="application/json").json()
    assert answer["valid"] is False and answer["reasons"]
    key = client.get("/api/platform-key/").json()
    assert key["public_key"] == receipt_document["payload"]["platform_public_key"]
    assert client.get(reverse("bids:platform_key")).content.decode().strip() == key["public_key"]


def test_the_contractor_downloads_and_views_its_receipt(client, contractor, tender):
    submission = submit(contractor, tender)
    client.force_login(contractor)
    download = client.get(reverse("bids:receipt_download", args=[submission.bid.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content) == submission.receipt.document()
    page = client.get(reverse("bids:receipt", args=[submission.bid.pk])).content.decode()
    assert submission.bid.content_digest in page and tender.reference in page
