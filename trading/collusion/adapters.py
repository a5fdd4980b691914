"""From the outside world to the engine's canonical bid table: the database (opened
bids with their submission signals) and CSV files with a column mapping."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from django.utils import timezone

from trading.accounts.models import Organisation
from trading.bids.models import Bid, BidStatus
from trading.collusion.engine.io import CANONICAL, BidDataError, coerce_bids, read_bids

# bids whose price never counted in a tender
_NOT_COUNTED = [BidStatus.REPLACED, BidStatus.WITHDRAWN, BidStatus.REVOKED, BidStatus.WITHDRAWN_AT_OPENING]


class MappingError(ValueError):
    pass


def parse_mapping(pairs) -> dict:
    """``["tender_id=Tender", "amount=Bid_value"]`` -> ``{"tender_id": "Tender", ...}``."""
    mapping = {}
    for pair in pairs or []:
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise MappingError(f"--map {pair!r}: expected field=COLUMN")
        if field not in CANONICAL:
            raise MappingError(f"--map {pair!r}: unknown field {field!r} (known: {', '.join(CANONICAL)})")
        mapping[field] = column
    return mapping


def _numeric_date_unit(path, mapping) -> str | None:
    """Foreign files often carry dates as Unix seconds or day numbers: when every
    filled date is a number, guess which (seconds are in the hundreds of millions)."""
    column = mapping.get("date", "date")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=[column], skipinitialspace=True)[column]
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    filled = raw[raw.str.strip() != ""]
    values = pd.to_numeric(filled, errors="coerce")
    if len(filled) == 0 or values.isna().any():
        return None
    return "s" if values.abs().median() > 1e6 else "D"


def read_bid_file(path, mapping=None, date_unit=None) -> pd.DataFrame:
    """The engine's reader; numeric date columns are understood without being told."""
    mapping = mapping or {}
    try:
        return read_bids(path, mapping, date_unit=date_unit)
    except BidDataError as exc:
        if date_unit is not None or exc.column != "date":
            raise
        unit = _numeric_date_unit(path, mapping)
        if unit is None:
            raise
        return read_bids(path, mapping, date_unit=unit)


def describe_error(exc: BidDataError, mapping: dict) -> str:
    """One line naming the row (and file line) and the column as the file calls it."""
    column = (exc.column or "").replace("' (for '", "' (mapped to '") or None
    if column in mapping and mapping[column] != column:
        column = f"{mapping[column]}' (mapped to '{exc.column}"
    where = f"row {exc.row} (line {exc.row + 1})" if exc.row else "header (line 1)" if exc.column else "file"
    col = f", column '{column}'" if column else ""
    return f"{where}{col}: {exc.reason}"


def organisation_labels(organisations) -> dict:
    """Readable, unique bidder ids for the engine: the name, with the id when two
    organisations share a name."""
    orgs = list(organisations)
    seen = Counter(o.name for o in orgs)
    return {o.pk: o.name if seen[o.name] == 1 else f"{o.name} #{o.pk}" for o in orgs}


class DatabaseBids:
    """The canonical bid table of every counted, priced bid in the database, and the
    way back from engine ids to rows."""

    def __init__(self):
        bids = list(
            Bid.objects.filter(price__isnull=False).exclude(status__in=_NOT_COUNTED)
            .select_related("tender__project__entity", "bidder")
            .prefetch_related("attachments")
            .order_by("tender_id", "id")
        )
        orgs = {b.bidder_id: b.bidder for b in bids}
        orgs.update({b.tender.project.entity_id: b.tender.project.entity for b in bids})
        self.labels = organisation_labels(orgs.values())
        self.organisation_of = {label: pk for pk, label in self.labels.items()}
        self.tender_of = {b.tender.reference: b.tender_id for b in bids}
        self.frame = self._frame(bids)

    def _frame(self, bids) -> pd.DataFrame:
        if not bids:
            return pd.DataFrame(columns=list(CANONICAL))
        rows = []
        for b in bids:
            t, org = b.tender, b.bidder
            when = t.opened_at or t.deadline or b.received_at
            digests = sorted(a.digest for a in b.attachments.all())
            rows.append({
                "tender_id": t.reference,
                "bidder_id": self.labels[org.pk],
                "amount": str(b.price),
                "date": timezone.localtime(when).date().isoformat() if when else "",
                "is_winner": "1" if (b.is_winner or t.winner_id == org.pk) else "0",
                "reserve_price": str(t.ceiling_price) if t.ceiling_price else "",
                "buyer_id": self.labels[t.project.entity_id],
                "disqualified": "1" if b.disqualified else "0",
                "ip": b.ip, "device": b.device_fingerprint,
                "bank_account": org.bank_account, "phone": org.phone, "email": org.email.lower(),
                "project_manager": b.project_manager.strip(),
                "attachment_hash": digests[0] if digests else "",
            })
        return coerce_bids(pd.DataFrame(rows))

    def organisations(self, labels) -> dict:
        ids = [self.organisation_of.get(label) for label in labels]
        found = Organisation.objects.in_bulk([i for i in ids if i])
        return {label: found.get(i) for label, i in zip(labels, ids)}


def jsonable(value):
    """Engine values (numpy scalars, NaN, timestamps, lists) as plain JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return None if pd.isna(value) else str(pd.Timestamp(value).date())
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (int, str)):
        return value
    return str(value)
