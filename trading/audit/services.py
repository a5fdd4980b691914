import json

from django.db import transaction
from django.utils import timezone

from .chain import entry_hash
from .models import AuditEntry, AuditHead


def record(caller, action, obj=None, *, embargo="", **summary):
    """Append one entry to the chained log; call inside the use case's transaction.

    `embargo` hides the entry from readers of the log until lifted (see trading.audit.embargo).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    user = caller.user if caller.user.is_authenticated else None
    organisation = getattr(user, "organisation", None)
    fields = dict(
        actor_label=user.get_username() if user else "anonymous",
        organisation_label=str(organisation) if organisation else "",
        ip=caller.ip or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=json.loads(json.dumps(summary, default=str)),
        embargo=embargo,
    )
    # The head is one row every write on the platform locks until its commit: lock it last.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    fields.update(seq=head.last_seq + 1, at=timezone.now())
    fields["hash"] = entry_hash(head.last_hash, fields["seq"], fields["at"].isoformat(), fields["actor_label"],
                                fields["organisation_label"], fields["ip"], action, fields["object_type"],
                                fields["object_id"], fields["summary"], embargo)
    entry = AuditEntry.objects.create(actor=user, prev_hash=head.last_hash, **fields)
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry
