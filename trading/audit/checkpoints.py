"""Signed checkpoints of the audit log, and the check of the log against them.

A hash chain alone proves nothing to someone who can rewrite the database: delete the tail and move the
head, or delete an entry and recompute every later hash, and the chain is intact again. A checkpoint signs
(size, head hash) with the platform key, which the database does not hold; once published (the public page,
the API, the opening records), any copy of it makes such a rewrite visible: the entry at `size` is gone, or
its hash is not the signed one.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from trading import platform_key

from .models import AuditCheckpoint, AuditEntry, AuditHead

FORMAT = "sunlight-audit-checkpoint/1"
FIELDS = ("format", "size", "head", "at")


def sign_checkpoint(now):
    """Sign the log as it stands; None when nothing was added since the last checkpoint."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.last_seq == 0 or AuditCheckpoint.objects.filter(size=head.last_seq).exists():
            return None
        body = {"format": FORMAT, "size": head.last_seq, "head": head.last_hash, "at": now.isoformat()}
        return AuditCheckpoint.objects.create(size=head.last_seq, head=head.last_hash, at=now, body=body,
                                              signature=platform_key.sign(body), public_key=platform_key.public_key())


def latest():
    return AuditCheckpoint.objects.order_by("-size").first()


def as_published(checkpoint):
    return {"body": checkpoint.body, "signature": checkpoint.signature, "public_key": checkpoint.public_key}


def problems(published, trusted_key):
    """Why the log disagrees with these published checkpoints ([{"body", "signature", ...}]); [] if it agrees.

    Each must carry a valid signature of `trusted_key` (the pinned platform key, not the one a checkpoint
    names), and the log must still hold, at its size, the entry whose hash it signed."""
    found = []
    hashes = dict(AuditEntry.objects.filter(seq__in=[_size(p) for p in published if _size(p)])
                  .values_list("seq", "hash"))
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for item in published:
        body = item.get("body") if isinstance(item, dict) else None
        if not isinstance(body, dict) or set(body) != set(FIELDS) or body.get("format") != FORMAT:
            found.append(_("a checkpoint is not in the format %(format)s") % {"format": FORMAT})
            continue
        if not platform_key.verify(body, str(item.get("signature", "")), trusted_key):
            found.append(_("checkpoint of %(size)s entries: the signature is not the platform's") % {"size": body["size"]})
        elif body["size"] > last:
            found.append(_("checkpoint of %(size)s entries: the log now ends at entry %(last)s (its tail was "
                           "removed)") % {"size": body["size"], "last": last})
        elif hashes.get(body["size"]) != body["head"]:
            found.append(_("checkpoint of %(size)s entries: entry %(size)s is not the one signed (the log was "
                           "rewritten before it)") % {"size": body["size"]})
    return found


def _size(item):
    body = item.get("body") if isinstance(item, dict) else None
    size = body.get("size") if isinstance(body, dict) else None
    return size if isinstance(size, int) and not isinstance(size, bool) else None
