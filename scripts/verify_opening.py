#!/usr/bin/env python3
"""Check a Sunlight opening record by yourself: no Django, no database, no network.

Needs only Python 3.10+ and PyNaCl (``pip install pynacl``). Download the record bundle from the record
page (``/opening/<tender id>/record.json``: the signed record body with the published ciphertexts) and pin
the platform's public key from a source you trust (``/bids/platform-key/``, compared with the id the
trading centre posts out of band), then run::

    python scripts/verify_opening.py opening-record-XYZ.json --platform-key <64 hex digits>

It checks, and prints one line per finding:

1. the platform's Ed25519 signature over the canonical record body (sorted keys, no spaces, UTF-8);
2. each bid's receipt: signed by the same platform key, issued for that bid, version and tender, and naming
   the ciphertext and attachment SHA-256 the record names (a bid set aside at the opening is expected to
   differ: it is reported, with the reason the record gives);
3. each published ciphertext and attachment: its SHA-256 is the one the record names;
4. the published tender private key belongs to the tender public key, every opened bid decrypts with it
   to the announced price, duration, quality, project manager and bid security (in the bid table and in
   each announcement of the event list), its attachments open, and bids called undecryptable indeed do not
   open;
5. the audit-log checkpoint embedded in the record carries the platform's signature (keep its size and head:
   ``manage.py audit verify --checkpoints`` proves later that the log was not rewritten before it).

Exit status 0 when everything holds, 1 with the problems found, 2 when the files cannot be read.
``--json`` prints the findings as JSON instead.
"""
import argparse
import base64
import binascii
import hashlib
import json
import sys
from decimal import Decimal, InvalidOperation

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.signing import VerifyKey

BUNDLE_FORMAT = "sunlight-opening-bundle/1"
RECORD_FORMAT = "sunlight-opening-record/1"
CHECKPOINT_FORMAT = "sunlight-audit-checkpoint/1"
ANNOUNCED = ("price", "duration_days", "quality", "project_manager", "security_reference")


class Unreadable(Exception):
    pass


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def signature_ok(public_key_hex, value, signature_hex):
    try:
        VerifyKey(bytes.fromhex(public_key_hex)).verify(canonical(value), bytes.fromhex(signature_hex))
        return True
    except (CryptoError, ValueError, TypeError):
        return False


def unseal(private_key, ciphertext):
    """The plaintext, or None when the ciphertext does not open with the key."""
    try:
        return SealedBox(private_key).decrypt(ciphertext)
    except (CryptoError, ValueError, TypeError):
        return None


def _no_repeated_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise Unreadable(f"the JSON repeats the key {key!r}: what was signed and what is shown could differ")
        seen[key] = value
    return seen


def load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            bundle = json.load(handle, object_pairs_hook=_no_repeated_keys)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Unreadable(f"cannot read {path}: {exc}") from None
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT or not isinstance(bundle.get("body"), dict):
        raise Unreadable(f"{path} is not an opening record bundle ({BUNDLE_FORMAT})")
    return bundle


def _b64(text):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        return None


def _same(announced, decrypted, field):
    if field == "price":
        try:
            return Decimal(str(announced)) == Decimal(str(decrypted))
        except (InvalidOperation, ValueError):
            return False
    if field == "duration_days":
        return str(announced) == str(decrypted)
    return (announced or "") == (decrypted or "")


class Check:
    def __init__(self):
        self.ok, self.problems, self.notes = [], [], []

    def good(self, text):
        self.ok.append(text)

    def bad(self, text):
        self.problems.append(text)

    def note(self, text):
        self.notes.append(text)


def verify(bundle, platform_key):
    """Check a bundle against the pinned platform key; returns a Check with what held and what did not."""
    check = Check()
    body, platform_key = bundle["body"], platform_key.lower()
    if body.get("format") != RECORD_FORMAT:
        check.bad(f"the record body is not in the format {RECORD_FORMAT}")
    if str(bundle.get("platform_public_key", "")).lower() not in ("", platform_key):
        check.bad("the record names another platform key than the one you pinned")
    if signature_ok(platform_key, body, str(bundle.get("signature", ""))):
        check.good("record signature: made by the pinned platform key over this exact body")
    else:
        check.bad("record signature: NOT the pinned platform key's over this body (the record was altered or forged)")
    reference = (body.get("tender") or {}).get("reference")
    private_key = _tender_key(body, check)
    decrypted = {}
    ciphertexts = bundle.get("ciphertexts") if isinstance(bundle.get("ciphertexts"), dict) else {}
    for row in body.get("bids") or []:
        decrypted[row.get("bid_id")] = _bid(row, reference, ciphertexts, private_key, platform_key, check)
    _announcements(body, decrypted, check)
    _checkpoint(body, platform_key, check)
    return check


def _tender_key(body, check):
    hex_key = body.get("tender_private_key") or ""
    if not hex_key:
        check.note("no tender private key is published (the bids were not decrypted): nothing to decrypt")
        return None
    try:
        private_key = PrivateKey(bytes.fromhex(hex_key))
    except (ValueError, TypeError, CryptoError):
        check.bad("the published tender private key is malformed")
        return None
    if bytes(private_key.public_key).hex() != str(body.get("tender_public_key", "")).lower():
        check.bad("the published tender private key does not belong to the tender public key")
        return None
    check.good("tender key: the published private key belongs to the tender public key")
    return private_key


def _bid(row, reference, ciphertexts, private_key, platform_key, check):
    """Check one bid's receipt, ciphertexts and decryption; return its decrypted fields (or None)."""
    name = f"bid {row.get('bid_id')} ({row.get('bidder')})"
    status = row.get("status")
    receipt = row.get("receipt")
    if receipt is None:
        check.note(f"{name}: the record carries no receipt")
    elif not isinstance(receipt, dict) or not signature_ok(platform_key, receipt.get("payload"),
                                                           str(receipt.get("signature", ""))):
        check.bad(f"{name}: its receipt is not signed by the pinned platform key")
    else:
        payload = receipt["payload"]
        if (payload.get("bid_id"), payload.get("tender")) != (row.get("bid_id"), reference) or \
                ("version" in row and payload.get("version") != row.get("version")):
            check.bad(f"{name}: its receipt was issued for another bid")
        agrees = payload.get("ciphertext_sha256") == row.get("ciphertext_sha256") and \
            list(payload.get("attachments_sha256") or []) == list(row.get("attachments_sha256") or [])
        if status == "invalid":
            check.note(f"{name}: set aside at the opening, not opened: {row.get('note', '')}")
            if agrees:
                check.note(f"{name}: its receipt names the ciphertext stored; the reason given rests on the audit log")
            else:
                check.good(f"{name}: confirmed, the stored ciphertext is not the one its signed receipt names")
        elif agrees:
            check.good(f"{name}: receipt signed by the platform names the ciphertext and attachments recorded")
        else:
            check.bad(f"{name}: the record names another ciphertext or attachments than its signed receipt")
    if not row.get("ciphertext_published"):
        if status == "opened":
            check.bad(f"{name}: announced but its ciphertext is not published")
        return None
    sealed = ciphertexts.get(str(row.get("bid_id")))
    content = _b64(sealed.get("content")) if isinstance(sealed, dict) else None
    if content is None:
        check.bad(f"{name}: its ciphertext is missing from the bundle")
        return None
    if sha256(content) != row.get("ciphertext_sha256"):
        check.bad(f"{name}: the published ciphertext is not the one the record names (SHA-256 differs)")
        return None
    files = [_b64(f) if isinstance(f, str) else None for f in (sealed.get("attachments") or [])]
    if [sha256(f) if f is not None else None for f in files] != list(row.get("attachments_sha256") or []):
        check.bad(f"{name}: the published attachments are not the ones the record names")
    if private_key is None or status == "invalid":
        return None
    plain = unseal(private_key, content)
    if status == "withdrawn_opening":
        if plain is None:
            check.good(f"{name}: indeed does not open with the tender key")
        else:
            check.bad(f"{name}: called undecryptable, but it opens with the tender key")
        return None
    if plain is None:
        check.bad(f"{name}: does not open with the tender key, yet the record has it as {status}")
        return None
    if status != "opened":
        return None
    try:
        values = json.loads(plain)
    except ValueError:
        check.bad(f"{name}: decrypts to something that is not a bid")
        return None
    differ = [f for f in ANNOUNCED if not _same(row.get(f), values.get(f), f)]
    if differ:
        check.bad(f"{name}: the record announces {', '.join(differ)} other than the sealed bid says")
    else:
        check.good(f"{name}: decrypts to the announced price {row.get('price')} and fields")
    if any(f is None or unseal(private_key, f) is None for f in files):
        check.bad(f"{name}: an attachment does not open with the tender key")
    return values


def _announcements(body, decrypted, check):
    by_order = {(row.get("lot"), row.get("order")): decrypted.get(row.get("bid_id"))
                for row in body.get("bids") or [] if row.get("order")}
    for step in body.get("steps") or []:
        if step.get("kind") != "bid_announced":
            continue
        payload = step.get("payload") or {}
        values = by_order.get((payload.get("lot"), payload.get("order")))
        if values is None:
            check.bad(f"announcement #{payload.get('order')}: no opened bid in the record decrypts to it")
            continue
        differ = [f for f in ANNOUNCED if not _same(payload.get(f), values.get(f), f)]
        if differ:
            check.bad(f"announcement #{payload.get('order')} ({payload.get('bidder')}): {', '.join(differ)} "
                      "differ from the sealed bid")
        else:
            check.good(f"announcement #{payload.get('order')} ({payload.get('bidder')}): as sealed")


def _checkpoint(body, platform_key, check):
    published = body.get("audit_checkpoint")
    if not published:
        check.note("the record embeds no audit checkpoint")
        return
    inner = published.get("body") if isinstance(published, dict) else None
    if not isinstance(inner, dict) or inner.get("format") != CHECKPOINT_FORMAT:
        check.bad("the embedded audit checkpoint is not in the format " + CHECKPOINT_FORMAT)
    elif signature_ok(platform_key, inner, str(published.get("signature", ""))):
        check.good(f"audit checkpoint: {inner.get('size')} entries, head {inner.get('head')}, signed by the platform")
    else:
        check.bad("the embedded audit checkpoint is not signed by the pinned platform key")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="the record bundle (record.json from the opening record page)")
    parser.add_argument("--platform-key", required=True, help="the platform's Ed25519 public key you pinned (hex)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    options = parser.parse_args(argv)
    try:
        bundle = load(options.bundle)
        if len(options.platform_key) != 64:
            raise Unreadable("the platform key is 64 hexadecimal digits")
        bytes.fromhex(options.platform_key)
    except (Unreadable, ValueError) as exc:
        print(f"cannot check: {exc}", file=sys.stderr)
        return 2
    check = verify(bundle, options.platform_key)
    if options.json:
        print(json.dumps({"valid": not check.problems, "problems": check.problems, "ok": check.ok,
                          "notes": check.notes}, ensure_ascii=False, indent=2))
    else:
        for line in check.ok:
            print("ok       " + line)
        for line in check.notes:
            print("note     " + line)
        for line in check.problems:
            print("PROBLEM  " + line)
        print("VALID: the record, its receipts and its ciphertexts agree" if not check.problems
              else f"INVALID: {len(check.problems)} problem(s)")
    return 1 if check.problems else 0


if __name__ == "__main__":
    sys.exit(main())
