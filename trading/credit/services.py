"""Writes of the credit record. The rooms above (complaints, contracts, collusion cases, bid security) call
`note` inside their own transaction when something they decide belongs on a firm's record."""
from django.db import transaction

from trading.audit.services import record
from trading.tenders import clock

from .models import CreditEntry, EntryKind


def note(caller, organisation, kind, summary, source="", rating=None, at=None):
    """Add one entry to the firm's credit record (audited); `source` names what it rests on ("app.Model:id")."""
    if kind not in EntryKind.values:
        raise ValueError(f"unknown credit entry kind {kind!r}")
    with transaction.atomic():
        entry = CreditEntry.objects.create(
            organisation=organisation, kind=kind, summary=summary[:500], rating=rating, source=source[:100],
            at=at or clock.now(), recorded_by=caller.user if caller.user.is_authenticated else None)
        record(caller, "credit.note", entry, organisation=organisation.credit_code, kind=kind, source=source)
    return entry
