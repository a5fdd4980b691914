"""Signed submission receipts, and how anyone checks one offline.

A receipt is a JSON document ``{"payload": {...}, "signature": "<hex>"}``. The payload
names the tender (and, for a tender with lots, the lot: ``{"number", "title"}``), the
bidder's credit code, the bid id and version, the SHA-256 of the sealed bid and of each
sealed attachment, the server time, a platform-wide sequence number, and the platform's
Ed25519 public key with its id. The signature
is Ed25519 over the canonical JSON of the payload (sorted keys, no spaces, UTF-8).

Trust. The signature proves that whoever holds the private half of the public key
named in the receipt signed exactly this payload; it cannot prove by itself that
this key is Sunlight's, because a forger could sign with a key of their own and
embed it. So a verifier pins the platform key once, from a source they trust: it
is published at ``/bids/platform-key/`` (and as JSON at ``?format=json``), and an
auditor compares its id with one obtained out of band (the trading centre's notice
board, a letter, a colleague's copy). ``python manage.py verify_receipt FILE
--public-key HEX`` then checks a receipt against the pinned key with no network and
no database; without ``--public-key`` the command compares against this
installation's own key when it has one, and refuses to call any receipt valid when
it has neither (a forger's receipt names the forger's key, and verifies against it).
A receipt whose JSON repeats a key is refused: the signed payload and what a reader
shows could otherwise differ. The bidder keeps the receipt; if the
platform later denies the bid or its content, the signed ciphertext hash and the
opening record (which publishes the tender key) settle it.

The platform key lives in ``settings.PLATFORM_SIGNING_KEY_FILE`` as a hex seed,
created on first use with file mode 600.
"""
from datetime import datetime

from django.utils.translation import gettext as _

from trading import platform_key, sealing, strictjson

FORMAT = "sunlight-receipt/1"
PAYLOAD_FIELDS = {"format", "tender", "bidder", "bid_id", "version", "ciphertext_sha256", "attachments_sha256",
                  "server_time", "seq", "platform_key_id", "platform_public_key"}
# One platform key for receipts, opening records, reports, notices and audit checkpoints (trading/platform_key.py).
key_id = platform_key.key_id
platform_public_key = platform_key.public_key
platform_key_info = platform_key.key_info


def build_payload(*, tender, bid, attachment_digests, seq, server_time: datetime, arrived_at: datetime) -> dict:
    """`arrived_at`: when the request reached the platform (the deadline is judged at it); `server_time`: stored."""
    public = platform_public_key()
    payload = {
        "format": FORMAT,
        "tender": tender.reference,
        "bidder": bid.bidder.credit_code,
        "bid_id": bid.pk,
        "version": bid.version,
        "ciphertext_sha256": bid.content_digest,
        "attachments_sha256": list(attachment_digests),
        "arrived_at": arrived_at.isoformat(),
        "server_time": server_time.isoformat(),
        "seq": seq,
        "platform_key_id": key_id(public),
        "platform_public_key": public,
    }
    if bid.lot_id is not None:
        # A bid on a tender with lots is for one lot: the receipt names it (absent for a tender without lots).
        payload["lot"] = {"number": bid.lot.number, "title": bid.lot.title}
    return payload


def sign_payload(payload: dict) -> str:
    return platform_key.sign(payload)


def parse(text) -> dict:
    """Read receipt JSON; raise ValueError with a reason when it is not a receipt at all."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(_("The receipt is not UTF-8 text.")) from None
    try:
        # Strict: a key written twice would let the signed payload and what a reader shows differ.
        document = strictjson.loads(text)
    except strictjson.Refused as exc:
        raise ValueError(_("The receipt is not valid JSON: %(reason)s") % {"reason": exc}) from None
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict) \
            or not isinstance(document.get("signature"), str):
        raise ValueError(_("The receipt needs a \"payload\" object and a \"signature\" string."))
    return document


def problems(document: dict, trusted_public_key: str | None = None) -> list[str]:
    """Reasons the receipt is not valid; an empty list means it is valid.

    Works offline: only the receipt and (optionally) the pinned platform key are used.
    """
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return [_("The receipt needs a \"payload\" object and a \"signature\" string.")]
    reasons = []
    missing = sorted(PAYLOAD_FIELDS - payload.keys())
    if missing:
        reasons.append(_("The payload lacks: %(fields)s.") % {"fields": ", ".join(missing)})
    if payload.get("format") not in (None, FORMAT):
        reasons.append(_("Unknown receipt format %(format)s.") % {"format": payload.get("format")})
    public = payload.get("platform_public_key")
    if not isinstance(public, str) or len(public) != 64 or not _is_hex(public):
        reasons.append(_("The platform public key in the receipt is malformed."))
        return reasons
    if payload.get("platform_key_id") != key_id(public):
        reasons.append(_("The platform key id does not match the platform public key."))
    if trusted_public_key and public.lower() != trusted_public_key.lower():
        reasons.append(_("The receipt was signed with key %(used)s, not the platform key %(trusted)s.")
                       % {"used": key_id(public), "trusted": key_id(trusted_public_key)})
    if not sealing.verify_signature(public, sealing.canonical(payload), signature):
        reasons.append(_("The signature does not match the payload: the receipt was altered or forged."))
    return reasons


def check_against_platform(text) -> tuple[dict | None, list[str]]:
    """Read a receipt and check it against this platform's own key: (document or None, reasons)."""
    try:
        document = parse(text)
    except ValueError as exc:
        return None, [str(exc)]
    return document, problems(document, trusted_public_key=platform_public_key())


def _is_hex(text):
    try:
        bytes.fromhex(text)
        return True
    except ValueError:
        return False
