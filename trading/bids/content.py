"""Checking and sealing what a bidder submits, before any of it reaches the database or disk.

Validation runs on the plaintext in memory; what leaves this module is only
ciphertext. Error messages never echo the submitted values, so the plaintext
cannot reach a log through an error either.
"""
import base64
import binascii
import io
import json
import os
import re
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading import sealing
from trading.tenders import documents
from trading.tenders.money import parse_amount

MAX_DURATION_DAYS = 3650
MAX_ATTACHMENTS = 10
PAD_TO = 1024
CLIENT_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
TEXT_LIMITS = {"quality": 200, "project_manager": 100, "security_reference": 100}
# What a bid says, sealed until the opening.
CONTENT_FIELDS = ("price", "duration_days", *TEXT_LIMITS)
# A sealed box (libsodium crypto_box_seal, PyNaCl SealedBox) is the plaintext plus an ephemeral X25519 public key
# (32 bytes) and a MAC (16 bytes).
SEAL_OVERHEAD = 48
# Sealed content from a client that sealed it itself: the server cannot read it, only check its form.
SEALED_CONTENT_BYTES = (SEAL_OVERHEAD + 16, SEAL_OVERHEAD + 8 * PAD_TO)
MAX_NAME_BYTES = 2 + 4 * 200  # the length prefix and a name of 200 characters in UTF-8


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def clean_content(data) -> dict:
    """Return the bid content as JSON-ready values, or raise field-level errors."""
    errors = {}
    content = {}
    try:
        content["price"] = str(_clean_price(data.get("price")))
    except ValidationError as exc:
        errors["price"] = exc.messages
    try:
        content["duration_days"] = _clean_duration(data.get("duration_days"))
    except ValidationError as exc:
        errors["duration_days"] = exc.messages
    for field, limit in TEXT_LIMITS.items():
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = [_("This field is required.")]
        elif len(value.strip()) > limit:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
        elif "\x00" in value:
            errors[field] = [_("Control characters are not allowed.")]
        else:
            content[field] = value.strip()
    if errors:
        raise ValidationError(errors)
    return content


def _clean_price(value):
    if value is None or value == "":
        raise ValidationError(_("Enter the bid price."))
    # Not compared with the ceiling price here: refusing over-ceiling bids would let a
    # bidder probe an unannounced ceiling. Evaluation rejects them after the opening.
    return parse_amount(value)


def _clean_duration(value):
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError(_("Enter the duration in days."))
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValidationError(_("Enter the duration as a whole number of days."))
    if not 1 <= value <= MAX_DURATION_DAYS:
        raise ValidationError(_("The duration must be between 1 and %(max)d days.") % {"max": MAX_DURATION_DAYS})
    return value


def as_row_id(value):
    """A database id from user input, or None: no bools, no unicode digits, nothing beyond a 64-bit key."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,19}", value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and 0 < value < 2**63:
        return value
    return None


def clean_client_key(value) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not CLIENT_KEY_PATTERN.match(value):
        raise ValidationError({"client_key": _(
            "A client key has 1 to 64 letters, digits or . _ : - characters.")})
    return value


def clean_fingerprint(value) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isalnum() or ch in "-_:.")[:128]


def read_attachments(files) -> list[Attachment]:
    """Check count, size and type of uploaded files; return their names and bytes."""
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}})
    limit = settings.SUNLIGHT["MAX_ATTACHMENT_BYTES"]
    allowed = settings.SUNLIGHT["DOCUMENT_EXTENSIONS"]
    result, errors = [], []
    for upload in files:
        name = os.path.basename(str(getattr(upload, "name", "") or ""))[:200]
        extension = os.path.splitext(name)[1].lower()
        size = getattr(upload, "size", None)
        if not name or extension not in allowed:
            errors.append(_("%(name)s: allowed file types are %(types)s.")
                          % {"name": name or "?", "types": ", ".join(allowed)})
            continue
        if size is not None and size > limit:
            errors.append(_("%(name)s is larger than %(mb).1f MB.") % {"name": name, "mb": limit / 1024 / 1024})
            continue
        data = upload.read(limit + 1)
        if len(data) > limit:
            errors.append(_("%(name)s is larger than %(mb).1f MB.") % {"name": name, "mb": limit / 1024 / 1024})
        elif not data:
            errors.append(_("%(name)s is empty.") % {"name": name})
        else:
            try:
                # The one validator of every upload: the file must parse as what its extension says.
                documents.inspect_content(extension, io.BytesIO(data))
            except documents.Refused as refused:
                errors.append(_("%(name)s is refused: %(reason)s") % {"name": name, "reason": refused.args[0]})
            else:
                result.append(Attachment(name, data))
    if errors:
        raise ValidationError({"attachments": errors})
    return result


def seal_content(public_key: bytes, content: dict) -> bytes:
    # Padded to a multiple of PAD_TO bytes, so the ciphertext length says nothing about the price or texts.
    size = len(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()) + len(', "pad": ""')
    return sealing.seal_json(public_key, {**content, "pad": " " * (-size % PAD_TO)})


def seal_attachment(public_key: bytes, attachment: Attachment) -> bytes:
    name = attachment.name.encode("utf-8")
    return sealing.seal(public_key, struct.pack(">H", len(name)) + name + attachment.data)


def unseal_attachment(private_key: bytes, ciphertext: bytes) -> Attachment:
    plain = sealing.unseal(private_key, ciphertext)
    (length,) = struct.unpack(">H", plain[:2])
    return Attachment(plain[2:2 + length].decode("utf-8"), plain[2 + length:])


# --- bids sealed by the bidder's own browser or API client -------------------------------------

def read_sealed_content(value) -> bytes:
    """The bid content a client sealed itself (base64 of a sealed box): its form is checked, never its values."""
    low, high = SEALED_CONTENT_BYTES
    if value is None or value == "":
        raise ValidationError({"sealed_content": _(
            "The bid was not sealed. The bid form seals it in your browser: allow its scripts and try again "
            "(API clients send the content sealed to the tender key).")})
    if not isinstance(value, str) or len(value) > 4 * (high // 3 + 1) + 8:
        raise ValidationError({"sealed_content": _("The sealed content is not a sealed bid (base64 of at most "
                                                   "%(max)d bytes).") % {"max": high}})
    try:
        data = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"sealed_content": _("The sealed content is not valid base64.")}) from None
    if not low <= len(data) <= high:
        raise ValidationError({"sealed_content": _(
            "The sealed content is %(n)d bytes; a sealed bid is between %(low)d and %(high)d bytes.")
            % {"n": len(data), "low": low, "high": high}})
    return data


def read_sealed_attachments(files) -> list[bytes]:
    """Attachments a client sealed itself: their count and sizes are checked; their names and contents are
    sealed, so their type is checked when they are opened."""
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}})
    limit = settings.SUNLIGHT["MAX_ATTACHMENT_BYTES"] + SEAL_OVERHEAD + MAX_NAME_BYTES
    result, errors = [], []
    for number, upload in enumerate(files, 1):
        data = upload if isinstance(upload, bytes) else upload.read(limit + 1)
        if len(data) > limit:
            errors.append(_("Sealed attachment %(n)d is larger than %(mb).1f MB.")
                          % {"n": number, "mb": limit / 1024 / 1024})
        elif len(data) < SEAL_OVERHEAD + 3:
            errors.append(_("Sealed attachment %(n)d is too short to be a sealed file.") % {"n": number})
        else:
            result.append(data)
    if errors:
        raise ValidationError({"attachments": errors})
    return result


FIELD_LABELS = {"price": gettext_lazy("price"), "duration_days": gettext_lazy("duration"),
                "quality": gettext_lazy("quality commitment"), "project_manager": gettext_lazy("project manager"),
                "security_reference": gettext_lazy("bid security reference")}


def check_opened(plaintext: bytes) -> dict:
    """At the opening: the same field checks as the bid form's, on what a sealed bid decrypts to.

    Returns the cleaned content, or raises ValidationError with one reason naming each field that fails.
    """
    try:
        values = json.loads(plaintext)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("the sealed content is not a bid (not JSON)")) from None
    if not isinstance(values, dict):
        raise ValidationError(_("the sealed content is not a bid (not a JSON object)"))
    try:
        return clean_content(values)
    except ValidationError as exc:
        raise ValidationError("; ".join(f"{FIELD_LABELS.get(field, field)}: {' '.join(messages)}"
                                        for field, messages in exc.message_dict.items())) from None


def seal_bid(public_key: bytes, data, attachments=()) -> tuple[str, list[bytes]]:
    """What a bidder's client does before it sends anything: check the fields, then seal the content and each
    attachment to the tender key. Returns the base64 sealed content and the sealed attachments (Python clients
    and tests use it; the browser does the same in bids/seal.js)."""
    errors = {}
    for check, value in ((clean_content, data), (read_attachments, attachments)):
        try:
            checked = check(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if check is clean_content:
            content = checked
        else:
            files = checked
    if errors:
        raise ValidationError(errors)
    sealed = base64.b64encode(seal_content(public_key, content)).decode()
    return sealed, [seal_attachment(public_key, f) for f in files]
