from django.utils.translation import gettext as _

from .chain import entry_hash
from .embargo import embargoed_keys
from .models import AuditEntry, AuditHead


def verify_chain():
    """Return a list of problems; empty means the log is intact.

    Detects an edited entry (hash mismatch), a deleted or reordered one (broken
    sequence or link) and a truncated tail (head disagrees with the last entry).
    """
    problems = []
    prev_hash, expected_seq = "0" * 64, 1
    for entry in AuditEntry.objects.order_by("seq").iterator():
        if entry.seq != expected_seq:
            problems.append(_("entry %(seq)s: expected sequence %(expected)s (an entry is missing or reordered)")
                            % {"seq": entry.seq, "expected": expected_seq})
        if entry.prev_hash != prev_hash:
            problems.append(_("entry %(seq)s: does not link to the entry before it") % {"seq": entry.seq})
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at.isoformat(), entry.actor_label,
                                entry.organisation_label, entry.ip, entry.action, entry.object_type,
                                entry.object_id, entry.summary, entry.embargo)
        if recomputed != entry.hash:
            problems.append(_("entry %(seq)s: content was altered (hash mismatch)") % {"seq": entry.seq})
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        problems.append(_("the log ends at entry %(seq)s but the chain head says %(head)s (entries were removed)")
                        % {"seq": expected_seq - 1, "head": head.last_seq})
    return problems


def visible_entries():
    """The log as its readers may see it: entries under a standing embargo are left out."""
    return AuditEntry.objects.exclude(embargo__in=embargoed_keys())
