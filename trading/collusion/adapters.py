"""From the outside world to the engine's canonical bid table: the database (opened
bids with their submission signals) and CSV files with a column mapping."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from django.apps import apps
from django.utils import timezone

from trading.accounts.models import Organisation
from trading.bids.models import Bid, BidAttachment, BidStatus
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
    name, canonical = exc.column, None
    if name and "' (for '" in name:            # the engine's "Price' (for 'amount"
        name, canonical = name.split("' (for '", 1)
    elif name in mapping and mapping[name] != name:
        name, canonical = mapping[name], name
    where = f"row {exc.row} (line {exc.row + 1})" if exc.row else "header (line 1)" if name else "file"
    col = f", column '{name}'" + (f" (mapped to '{canonical}')" if canonical else "") if name else ""
    return f"{where}{col}: {exc.reason}"


def organisation_labels(organisations, seen: Counter | None = None) -> dict:
    """Readable, unique bidder ids for the engine: the name, with the id when two
    organisations share a name (``seen``: name counts over the whole market, when
    ``organisations`` are only some of it)."""
    orgs = list(organisations)
    seen = seen or Counter(o.name for o in orgs)
    return {o.pk: o.name if seen[o.name] == 1 else f"{o.name} #{o.pk}" for o in orgs}


def market_name_counts(names) -> Counter:
    """How many organisations of the whole market (bidders of counted bids and their
    buyers) carry each of ``names``: one tender's labels then match the stored index's."""
    counted = Bid.objects.filter(price__isnull=False).exclude(status__in=_NOT_COUNTED)
    ids = set(counted.filter(bidder__name__in=names).values_list("bidder_id", flat=True).distinct())
    ids |= set(counted.filter(tender__project__entity__name__in=names)
               .values_list("tender__project__entity_id", flat=True).distinct())
    return Counter(Organisation.objects.filter(pk__in=ids).values_list("name", flat=True))


class DatabaseBids:
    """The canonical bid table of every counted, priced bid in the database, and the
    way back from engine ids to rows."""

    FIELDS = ("id", "tender_id", "tender__reference", "bidder_id", "price", "tender__opened_at", "tender__deadline",
              "received_at", "is_winner", "tender__winner_id", "tender__ceiling_price", "tender__project__entity_id",
              "disqualified", "ip", "device_fingerprint", "project_manager")

    def __init__(self, tender_ids=None):
        """Every counted bid, or those of ``tender_ids`` (a tender at its opening)."""
        bids = Bid.objects.filter(price__isnull=False).exclude(status__in=_NOT_COUNTED)
        if tender_ids is not None:
            bids = bids.filter(tender_id__in=list(tender_ids))
        self.tender_ids = None if tender_ids is None else list(tender_ids)
        rows = list(bids.order_by("tender_id", "id").values_list(*self.FIELDS))
        org_ids = {r[3] for r in rows} | {r[11] for r in rows}
        orgs = Organisation.objects.filter(pk__in=org_ids).only("id", "name", "bank_account", "phone", "email")
        self.orgs = {o.pk: o for o in orgs}
        seen = None if tender_ids is None else market_name_counts({o.name for o in self.orgs.values()})
        self.labels = organisation_labels(self.orgs.values(), seen)
        self.organisation_of = {label: pk for pk, label in self.labels.items()}
        self.tender_of = {r[2]: r[1] for r in rows}
        self.frame = self._frame(rows)

    def _frame(self, rows) -> pd.DataFrame:
        if not rows:
            return pd.DataFrame(columns=list(CANONICAL))
        bid_ids = [r[0] for r in rows]
        documents = attachment_signals(bid_ids)
        rejected = rejected_bids(self.tender_ids)
        paid_from = security_accounts(self.tender_ids)
        tz = timezone.get_current_timezone()
        out = []
        for (bid_id, tender, reference, bidder, price, opened, deadline, received, is_winner, winner, ceiling, entity,
             disqualified, ip, device, manager) in rows:
            org = self.orgs[bidder]
            when = opened or deadline or received
            digest, author, template = documents.get(bid_id, ("", "", ""))
            # The account that really paid the bid security is the "same account" evidence (Implementing Regulations
            # art. 40); where it is known, the account the firm declared at registration is not used for this bid.
            paid = paid_from.get((tender, bidder), "")
            out.append((reference, self.labels[bidder], str(price),
                        when.astimezone(tz).date().isoformat() if when else "",
                        "1" if (is_winner or winner == bidder) else "0", str(ceiling) if ceiling else "",
                        self.labels[entity], "1" if (disqualified or bid_id in rejected) else "0", ip, device,
                        "" if paid else org.bank_account, org.phone, org.email.lower(), manager.strip(), digest,
                        author, template, paid))
        columns = ["tender_id", "bidder_id", "amount", "date", "is_winner", "reserve_price", "buyer_id",
                   "disqualified", "ip", "device", "bank_account", "phone", "email", "project_manager",
                   "attachment_hash", "doc_author", "doc_template", "security_account"]
        return coerce_bids(pd.DataFrame(out, columns=columns))

    def organisations(self, labels) -> dict:
        ids = [self.organisation_of.get(label) for label in labels]
        found = Organisation.objects.in_bulk([i for i in ids if i])
        return {label: found.get(i) for label, i in zip(labels, ids)}


def attachment_signals(bid_ids) -> dict:
    """bid id -> (file digest, document author, document template).  The digest is the
    plaintext one taken after the opening (collusion.AttachmentFingerprint); before that
    only the ciphertext digest exists, which matches only a copied sealed file.  One value
    per bid: the smallest digest, the first author and template named."""
    from .models import AttachmentFingerprint

    out = {}
    for bid_id, digest in (BidAttachment.objects.filter(bid_id__in=bid_ids)
                           .order_by("digest").values_list("bid_id", "digest")):
        out.setdefault(bid_id, (digest, "", ""))
    seen = set()
    for bid_id, digest, author, template in (AttachmentFingerprint.objects.filter(bid_id__in=bid_ids)
                                             .order_by("bid_id", "digest")
                                             .values_list("bid_id", "digest", "author", "template")):
        if bid_id in seen:
            continue
        seen.add(bid_id)
        out[bid_id] = (digest, author, template)
    return out


def rejected_bids(tender_ids=None) -> set:
    """Bids the committee rejected in the tender's signed, current evaluation report: they
    feed the disqualification flags like a bid the opening disqualified.  ``tender_ids``:
    None for every tender."""
    if not apps.is_installed("trading.evaluation"):
        return set()
    from trading.evaluation.models import Report

    reports = Report.objects.filter(superseded_at__isnull=True)
    if tender_ids is not None:
        reports = reports.filter(tender_id__in=list(tender_ids))
    out = set()
    for body in reports.values_list("body", flat=True):
        for lot in (body or {}).get("lots", []):
            out |= {b["bid_id"] for b in lot.get("bids", []) if not b.get("passed", True)}
    return out


def security_accounts(tender_ids=None) -> dict:
    """(tender id, bidder id) -> the account that actually paid the bid security."""
    if not apps.is_installed("trading.deposits"):
        return {}
    try:
        from trading.deposits.selectors import paying_accounts
    except ImportError:
        return {}
    return {(r["tender_id"], r["bidder_id"]): r["paying_account"] for r in paying_accounts(tender_ids)}


def losing_bidder_subcontracts(tender_ids=None) -> list:
    """(tender id, winner id, subcontractor id) of every subcontract the winner declared to a firm that bid against
    it in the same tender (how cover bidders are paid), from the contracts room when it is installed."""
    if not apps.is_installed("trading.contracts"):
        return []
    from trading.contracts.selectors import losing_bidder_subcontracts as declared

    wanted = None if tender_ids is None else set(tender_ids)
    return [row for row in declared() if wanted is None or row[0] in wanted]


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
