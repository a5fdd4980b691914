"""Write a canonical bid table (trading.collusion.engine.io) as opened, completed tenders.

History is already public after its opening, so prices are stored in plain text on
opened bids and no ciphertext exists. Either the whole table is written or nothing.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trading.accounts.credit_code import synthetic
from trading.accounts.models import Organisation
from trading.accounts.permissions import authorize
from trading.accounts.roles import OrganisationKind
from trading.audit.services import record
from trading.bids.models import Bid, BidStatus
from trading.collusion.adapters import describe_error, parse_mapping, read_bid_file
from trading.collusion.engine.io import BidDataError
from trading.tenders.models import EvaluationMethod, Project, ProjectType, Tender, TenderStatus

SYNTHETIC_REGION = "990000"
UNKNOWN_BUYER = "history:unknown-buyer"
OPENING_TIME = time(9, 30)
BATCH = 500


class HistoryImportError(ValueError):
    """A bad file: one line naming the row and column; nothing was imported."""


@dataclass
class ImportResult:
    tenders: int
    bids: int
    new_organisations: int


def import_bid_file(caller, path, map_pairs=(), *, prefix="H-", date_unit=None, operator=False):
    """Import a bid-history CSV. ``operator`` is a shell user running the command, beyond any role."""
    if not operator:
        authorize(caller.user, "history.import")
    mapping = {}
    try:
        mapping = parse_mapping(map_pairs)
        frame = read_bid_file(path, mapping, date_unit)
        return write_history(caller, frame, prefix=prefix, source=str(path))
    except BidDataError as exc:
        raise HistoryImportError(describe_error(exc, mapping)) from None
    except ValueError as exc:  # a malformed --map
        raise HistoryImportError(str(exc)) from None


def _money(value):
    return Decimal(str(round(float(value), 2)))


def _check(frame, prefix):
    """Rows the engine's reader accepts but the database cannot hold."""
    if "bidder_id" not in frame or frame["bidder_id"].isna().any():
        row = 1 if "bidder_id" not in frame else int(np.flatnonzero(frame["bidder_id"].isna())[0]) + 1
        raise BidDataError(row, "bidder_id", "value is missing (a bid needs its bidder to be imported)")
    limit = settings.SUNLIGHT["MAX_AMOUNT"]
    for column in ("amount", "reserve_price"):
        too_big = frame[column].to_numpy(dtype=float) > limit
        if too_big.any():
            raise BidDataError(int(np.flatnonzero(too_big)[0]) + 1, column, f"larger than {limit:,}")
    references = prefix + frame["tender_id"]
    too_long = references.str.len().to_numpy() > Tender._meta.get_field("reference").max_length
    if too_long.any():
        raise BidDataError(int(np.flatnonzero(too_long)[0]) + 1, "tender_id", "too long for a tender reference")
    taken = set(Tender.objects.filter(reference__in=set(references)).values_list("reference", flat=True))
    if taken:
        row = int(np.flatnonzero(references.isin(taken).to_numpy())[0]) + 1
        raise BidDataError(row, "tender_id", "this tender was imported before")
    return references


def _organisations(frame, kind, id_column, names):
    """Existing organisations by external reference; the missing ones created with synthetic codes."""
    wanted = list(dict.fromkeys(frame[id_column].dropna()))
    found = {}
    for org in Organisation.objects.filter(kind=kind, external_ref__in=wanted).order_by("id"):
        found.setdefault(org.external_ref, org)
    missing = [ref for ref in wanted if ref not in found]
    start = Organisation.objects.filter(credit_code__startswith="91" + SYNTHETIC_REGION).count() + 1
    accounts = {}
    if kind == OrganisationKind.CONTRACTOR and "bank_account" in frame:
        accounts = frame.dropna(subset=["bank_account"]).groupby("bidder_id")["bank_account"].first().to_dict()
    created = Organisation.objects.bulk_create(
        [Organisation(kind=kind, name=names(ref), external_ref=ref, bank_account=accounts.get(ref, ""),
                      credit_code=synthetic(start + i, region=SYNTHETIC_REGION)) for i, ref in enumerate(missing)],
        batch_size=BATCH)
    found.update({org.external_ref: org for org in created})
    return found, len(created)


def _when(value, fallback):
    if pd.isna(value):
        return fallback
    return timezone.make_aware(datetime.combine(pd.Timestamp(value).date(), OPENING_TIME))


def write_history(caller, frame, *, prefix="H-", source="", details=None, announce=True):
    """Write the canonical table as completed tenders. ``details`` may give a tender's title,
    project_type, funding_source and bid security, keyed by the file's tender id."""
    details = details or {}
    with transaction.atomic():
        references = _check(frame, prefix)
        frame = frame.assign(reference=references.to_numpy())
        if "buyer_id" not in frame:
            frame = frame.assign(buyer_id=UNKNOWN_BUYER)
        frame["buyer_id"] = frame["buyer_id"].fillna(UNKNOWN_BUYER)
        buyers, new_buyers = _organisations(frame, OrganisationKind.ENTITY, "buyer_id", lambda ref: (
            "Buyer in imported history" if ref == UNKNOWN_BUYER else f"Buyer {ref}"))
        bidders, new_bidders = _organisations(frame, OrganisationKind.CONTRACTOR, "bidder_id",
                                              lambda ref: f"Bidder {ref}")
        now = timezone.now()
        columns = _columns(frame)
        projects, tenders, rows_of = [], [], []
        for tender_id, rows in frame.groupby("tender_id", sort=False).indices.items():
            extra = details.get(tender_id, {})
            dates = columns["date"][rows]
            opened = _when(dates.min() if (~np.isnat(dates)).any() else None, now)
            reserve = columns["reserve_price"][rows]
            reserve = reserve[~np.isnan(reserve)]
            ceiling = _money(reserve[0] if len(reserve) else columns["amount"][rows].max())
            reference = columns["reference"][rows[0]]
            title = extra.get("title", f"Imported tender {tender_id}")
            projects.append(Project(
                entity=buyers[columns["buyer_id"][rows[0]]], code=reference, budget=ceiling, name=title,
                project_type=extra.get("project_type", ProjectType.WORKS),
                funding_source=extra.get("funding_source", "Imported history")))
            tenders.append(Tender(
                reference=reference, title=title, status=TenderStatus.COMPLETE, imported=True, ceiling_price=ceiling,
                evaluation_method=EvaluationMethod.LOWEST_PRICE,
                bid_security_amount=extra.get("bid_security", Decimal("0")),
                documents_from=opened - timedelta(days=25), documents_until=opened - timedelta(days=18),
                published_at=opened - timedelta(days=25), deadline=opened, opened_at=opened))
            rows_of.append(rows)
        Project.objects.bulk_create(projects, batch_size=BATCH)
        for project, tender in zip(projects, tenders):
            tender.project = project
        Tender.objects.bulk_create(tenders, batch_size=BATCH)
        bids = []
        for tender, rows in zip(tenders, rows_of):
            bids.extend(_bids(tender, rows, columns, bidders))
        Bid.objects.bulk_create(bids, batch_size=BATCH)
        winners = [tender for tender in tenders if tender.winner_id]
        Tender.objects.bulk_update(winners, ["winner", "awarded_amount"], batch_size=BATCH)
        result = ImportResult(len(tenders), len(bids), new_buyers + new_bidders)
        record(caller, "history.import", None, source=source, prefix=prefix, tenders=result.tenders,
               bids=result.bids, new_organisations=result.new_organisations)
    return result


def _columns(frame):
    """Plain arrays of the table, so that per-tender work does not go through pandas."""
    n = len(frame)
    text = {c: frame[c].fillna("").to_numpy(dtype=object) if c in frame else np.full(n, "", dtype=object)
            for c in ("reference", "buyer_id", "bidder_id", "ip", "device", "project_manager")}
    flags = {c: frame[c].fillna(0).to_numpy(dtype=float) == 1 if c in frame else np.zeros(n, dtype=bool)
             for c in ("is_winner", "disqualified")}
    return {**text, **flags, "amount": frame["amount"].to_numpy(dtype=float),
            "reserve_price": frame["reserve_price"].to_numpy(dtype=float),
            "date": frame["date"].to_numpy(dtype="datetime64[ns]")}


def _bids(tender, rows, columns, bidders):
    """The tender's opened bids in announcement order; sets the tender's winner.

    The winner is the bid the file flags; a tender without a flagged winner goes to its
    lowest bid that was not disqualified (lowest evaluated price)."""
    disqualified, flagged = columns["disqualified"][rows], columns["is_winner"][rows]
    amounts = columns["amount"][rows]
    if flagged.any():
        winner = int(np.flatnonzero(flagged)[0])
    elif (~disqualified).any():
        winner = int(np.flatnonzero(~disqualified)[np.argmin(amounts[~disqualified])])
    else:
        winner = None
    received = tender.deadline - timedelta(hours=2)
    bids = []
    for i, row in enumerate(rows):
        bids.append(Bid(
            tender=tender, bidder=bidders[columns["bidder_id"][row]], status=BidStatus.OPENED, received_at=received,
            price=_money(amounts[i]), announce_order=i + 1, is_winner=i == winner,
            disqualified=bool(disqualified[i]), ip=columns["ip"][row][:45],
            device_fingerprint=columns["device"][row][:128], project_manager=columns["project_manager"][row][:100]))
    if winner is not None:
        tender.winner, tender.awarded_amount = bids[winner].bidder, bids[winner].price
    return bids
