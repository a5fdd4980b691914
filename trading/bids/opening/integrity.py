"""Before anything is announced: is each stored sealed bid the one its bidder holds a receipt for?

A database writer can replace a bid's sealed content, or an attachment file, with another valid sealing to
the tender's public key: sealing needs nothing secret, and the opening would then announce the planted price.
What the writer cannot make is the platform's signature (its key is kept outside the database), so before
decrypting the opening compares, for every bid it is about to open:

- the stored ciphertext and each attachment file (hashed as they are now, not the stored digests) with the
  SHA-256 the signed receipt names, the receipt's signature checked with the platform key;
- the same ciphertext with the audit entry of the submission (``bids.submit``: its ciphertext SHA-256, the
  number of attachments and the receipt number), whose own chain hash must still hold;
- the audit log for a later entry that replaced or withdrew the bid (a withdrawn or older version brought back).

A bid that fails is not decrypted: it becomes an invalid bid with the reasons, the supervisors are alarmed and
the signed record says why (see services._set_aside_mismatched and record.build_body).
"""
import hashlib

from django.utils.translation import gettext as _

from trading import platform_key
from trading.audit.chain import entry_hash
from trading.audit.models import AuditEntry
from trading.bids.models import Receipt

SUBMIT = "bids.submit"
BID_TYPE = "bids.bid"


def content_digest(bid):
    """SHA-256 of the sealed content as stored now ("" when there is none)."""
    return hashlib.sha256(bytes(bid.sealed_content)).hexdigest() if bid.sealed_content is not None else ""


def attachment_digest(attachment):
    """SHA-256 of the attachment file as stored now; None when the file cannot be read."""
    digest = hashlib.sha256()
    try:
        with attachment.sealed_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def attachment_digests(bid):
    return [attachment_digest(a) for a in bid.attachments.order_by("id")]


def _short(digest):
    return (digest or "-")[:12]


def problems(bid, tender, trusted_key=None):
    """Why this bid's stored ciphertext is not the one its receipt and the audit log name; [] when it is."""
    trusted_key = trusted_key or platform_key.public_key()
    stored, files = content_digest(bid), attachment_digests(bid)
    receipt = Receipt.objects.filter(bid=bid).first()
    found = []
    if receipt is None:
        found.append(_("The bid has no receipt."))
    else:
        found += _receipt_problems(bid, tender, receipt, trusted_key, stored, files)
    found += _audit_problems(bid, receipt, stored, files)
    return found


def _receipt_problems(bid, tender, receipt, trusted_key, stored, files):
    payload = receipt.payload if isinstance(receipt.payload, dict) else {}
    if not platform_key.verify(payload, str(receipt.signature or ""), trusted_key):
        return [_("Its receipt does not carry the platform's signature.")]
    lot = payload.get("lot") if isinstance(payload.get("lot"), dict) else {}
    if (payload.get("bid_id"), payload.get("version"), payload.get("tender"), lot.get("number")) != \
            (bid.pk, bid.version, tender.reference, bid.lot.number if bid.lot_id else None):
        return [_("Its receipt was issued for another bid.")]
    found = []
    if payload.get("ciphertext_sha256") != stored:
        found.append(_("The stored sealed bid (SHA-256 %(stored)s…) is not the one its signed receipt names "
                       "(%(signed)s…).") % {"stored": _short(stored), "signed": _short(payload.get("ciphertext_sha256"))})
    signed_files = payload.get("attachments_sha256")
    signed_files = signed_files if isinstance(signed_files, list) else []
    if len(signed_files) != len(files):
        found.append(_("The bid has %(stored)d attachment(s); its signed receipt names %(signed)d.")
                     % {"stored": len(files), "signed": len(signed_files)})
    else:
        for number, (now, signed) in enumerate(zip(files, signed_files), start=1):
            if now != signed:
                found.append(_("Attachment %(n)d (SHA-256 %(stored)s…) is not the one its signed receipt names "
                               "(%(signed)s…).") % {"n": number, "stored": _short(now), "signed": _short(signed)})
    return found


def _audit_problems(bid, receipt, stored, files):
    entries = list(AuditEntry.objects.filter(action=SUBMIT, object_type=BID_TYPE, object_id=str(bid.pk)))
    if len(entries) != 1:
        return [_("The audit log holds %(n)d submission entries for this bid instead of one.") % {"n": len(entries)}]
    entry = entries[0]
    if entry.hash != entry_hash(entry.prev_hash, entry.seq, entry.at.isoformat(), entry.actor_label,
                                entry.organisation_label, entry.ip, entry.action, entry.object_type, entry.object_id,
                                entry.summary, entry.embargo):
        return [_("The audit entry of its submission was altered.")]
    summary = entry.summary if isinstance(entry.summary, dict) else {}
    found = []
    if summary.get("ciphertext_sha256") != stored:
        found.append(_("The stored sealed bid is not the one the audit log recorded at submission (%(logged)s…).")
                     % {"logged": _short(summary.get("ciphertext_sha256"))})
    if summary.get("attachments") != len(files) or summary.get("version") != bid.version \
            or (receipt is not None and summary.get("receipt_seq") != receipt.seq):
        found.append(_("The audit log recorded another submission (version, attachments or receipt number)."))
    later = AuditEntry.objects.filter(action=SUBMIT, object_type=BID_TYPE, summary__replaced_bid=bid.pk).exists() \
        or AuditEntry.objects.filter(action="bids.withdraw", object_type=BID_TYPE, object_id=str(bid.pk)).exists()
    if later:
        found.append(_("The audit log shows this bid was replaced or withdrawn before the deadline."))
    return found
