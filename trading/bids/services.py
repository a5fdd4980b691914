"""Every write on bids: submit (or replace), withdraw, confirm, and the guarded opening.

The deadline is checked inside the transaction, after locking the tender row,
against `trading.tenders.clock` (the one clock). On SQLite the IMMEDIATE
transaction takes the write lock at BEGIN, so check and insert see one state.

A submission holds the tender row in share mode (PostgreSQL): the deadline and status cannot
change, nor the opening start, until it commits, yet submissions to the same tender proceed side
by side. Each bidder's submissions queue on its organisation row (versions, one active bid).
Platform-wide only are the receipt counter and the audit chain head; they are taken last, just
before commit, and sealing happens before any lock (see bench/README.md "Deadline rush").
"""
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from trading import sealing
from trading.accounts.models import Organisation
from trading.accounts.permissions import authorize
from trading.audit import embargo as audit_embargo
from trading.audit.services import record
from trading.credit.selectors import active_debarment, debarment_refusal
from trading.tenders import arrival, clock, rules
from trading.tenders.models import Lot, Tender, TenderStatus

from . import content as bid_content
from . import receipts
from .models import Bid, BidAttachment, BidStatus, Receipt, ReceiptCounter, TenderKey


class SealedUntilDeadline(PermissionDenied):
    """Raised by every decrypting path before the deadline."""


@dataclass(frozen=True)
class Submission:
    bid: Bid
    receipt: Receipt
    created: bool


def _organisation(caller):
    organisation = caller.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation; ask the administrator."))
    return organisation


def _lock_tender(tender_id):
    tender_id = bid_content.as_row_id(tender_id)
    tender = Tender.objects.select_for_update().exclude(status=TenderStatus.DRAFT).filter(pk=tender_id).first() \
        if tender_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _share_lock_tender(tender_id):
    """The tender, locked against changes (deadline, status, opening) but not against other submissions."""
    found = Tender.objects.exclude(status=TenderStatus.DRAFT).filter(pk=tender_id)
    if connection.vendor == "postgresql":
        sql, params = found.query.sql_with_params()
        found = Tender.objects.raw(f"{sql} FOR SHARE", params)
    tender = next(iter(found), None) if tender_id else None
    if tender is None:
        raise ValidationError({"tender": _("No such tender.")})
    return tender


def _lock_bidder(organisation):
    """One submission per bidder at a time: versions count up and one bid stays active."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()


def _tender_public_key(tender_id):
    # Read without a lock: the key is made when the tender is published and never changes.
    public_key = TenderKey.objects.filter(tender_id=tender_id).values_list("public_key", flat=True).first() \
        if tender_id else None
    return bytes(public_key) if public_key is not None else None


def _require_open_for_bids(tender, arrived_at, now):
    """Judged at the submission's arrival: one that arrived in time and waited for its turn is still in time."""
    if tender.deadline is not None and arrived_at >= tender.deadline:
        raise ValidationError({"tender": _(
            "The bid deadline passed at %(deadline)s; your submission arrived at %(arrived)s, after it. Nothing "
            "was stored.") % {"deadline": rules.when_to_the_second(tender.deadline),
                              "arrived": rules.when_to_the_second(arrived_at)}})
    arrival.check_wait(arrived_at, now)
    if tender.status != TenderStatus.PUBLISHED or tender.deadline is None:
        raise ValidationError({"tender": _("This tender is not open for bids (status: %(status)s).")
                               % {"status": tender.get_status_display()}})


def _next_receipt_seq():
    """Lock the platform-wide counter and take the next number in one statement (held until commit)."""
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
        row = cursor.fetchone()
    if row is None:  # the very first receipt of the platform
        ReceiptCounter.objects.get_or_create(pk=1)
        return _next_receipt_seq()
    return row[0]


def submit_bid(caller, tender_id, data=None, attachments=(), client_key="", lot=None, *, sealed_content=None):
    """Submit a sealed bid, or replace the bidder's active one; return a Submission.

    Sealed by the bidder (the bid form in the browser, API clients that seal): `sealed_content` is the base64
    sealed box of the content and `attachments` are sealed boxes too; only their form is checked here, the
    fields are checked again when the opening decrypts them. Otherwise (the API's plaintext path, kept for
    compatibility) `data` holds price, duration_days, quality, project_manager, security_reference and
    `attachments` the files, and both are checked and sealed here.
    `lot` is the lot's number within the tender: required when the tender has lots (one active bid
    per bidder and lot), refused when it has none (one active bid per bidder and tender).
    The same client key returns the same bid and receipt instead of a second bid.
    The deadline is judged at the request's arrival (`caller.arrived`, see trading.tenders.arrival).
    """
    arrived_at = arrival.moment(caller.arrived)
    authorize(caller.user, "bid.submit")
    organisation = _organisation(caller)
    client_key = bid_content.clean_client_key(client_key)
    tender_id = bid_content.as_row_id(tender_id)
    errors = {}
    if sealed_content is not None:
        sent = sorted(name for name in bid_content.CONTENT_FIELDS if (data or {}).get(name) not in (None, ""))
        if sent:
            errors["sealed_content"] = [_("Send the bid either sealed or as plain fields, not both (plain: %(fields)s).")
                                        % {"fields": ", ".join(sent)}]
        sealed = _collect(errors, bid_content.read_sealed_content, sealed_content)
        sealed_files = _collect(errors, bid_content.read_sealed_attachments, attachments)
    else:
        content = _collect(errors, bid_content.clean_content, data or {})
        files = _collect(errors, bid_content.read_attachments, attachments)
    lot = _collect(errors, clean_lot, tender_id, lot)
    if errors:
        if client_key and Bid.objects.filter(bidder=organisation, client_key=client_key).exists():
            # A retry whose body was lost or changed still gets its original answer.
            return _replay(caller, organisation, tender_id, client_key)
        raise ValidationError(errors)
    # Sealing is the costly part: done before the transaction, so no lock waits on it.
    public_key = _tender_public_key(tender_id)
    if public_key is not None and sealed_content is None:
        sealed = bid_content.seal_content(public_key, content)
        sealed_files = [bid_content.seal_attachment(public_key, f) for f in files]
        content = files = None  # plaintext goes no further than this line
    written = []
    try:
        with transaction.atomic():
            tender = _share_lock_tender(tender_id)
            _lock_bidder(organisation)
            if client_key:
                existing = _existing_for_key(organisation, client_key, tender, lot, check_lot=True)
                if existing:
                    return Submission(existing, existing.receipt, created=False)
            now = clock.now()
            _require_open_for_bids(tender, arrived_at, now)
            debarment = active_debarment(organisation, now)  # under the bidder's lock, as credit's writes take it
            if debarment is not None:
                raise ValidationError({"tender": debarment_refusal(debarment)})
            if public_key is None:
                raise ValidationError({"tender": _("This tender has no sealing key; bids cannot be accepted.")})

            # Replacement and versions are per lot (lot=None: the tender has no lots).
            # Only the latest version can be active (a replacement or a new bid after a withdrawal is the next one).
            latest = Bid.objects.filter(tender=tender, bidder=organisation, lot=lot).select_for_update() \
                .order_by("-version").only("id", "version", "status").first()
            previous = latest if latest is not None and latest.status == BidStatus.ACTIVE else None
            last_version = latest.version if latest is not None else 0
            if previous:
                previous.status = BidStatus.REPLACED
                previous.save(update_fields=["status"])
            bid = Bid.objects.create(
                tender=tender, lot=lot, bidder=organisation, submitted_by=caller.user, client_key=client_key,
                version=last_version + 1, status=BidStatus.ACTIVE, sealed_content=sealed,
                content_digest=sealing.digest(sealed), received_at=arrived_at, confirmed_at=now,
                ip=caller.ip or "", user_agent=(caller.user_agent or "")[:300],
                device_fingerprint=bid_content.clean_fingerprint(caller.device),
            )
            digests = []
            for ciphertext in sealed_files:
                attachment = BidAttachment(bid=bid, digest=sealing.digest(ciphertext), size=len(ciphertext))
                name = f"{uuid.uuid4().hex}.sealed"
                # Noted before writing: a disk that fills up half-way leaves a partial file to remove.
                written.append(attachment.sealed_file.field.generate_filename(attachment, name))
                attachment.sealed_file.save(name, ContentFile(ciphertext), save=False)
                attachment.save()
                digests.append(attachment.digest)
            # From here to commit, every submission on the platform waits in line: keep it short.
            seq = _next_receipt_seq()
            payload = receipts.build_payload(tender=tender, bid=bid, attachment_digests=digests, seq=seq,
                                             server_time=now, arrived_at=arrived_at)
            receipt = Receipt.objects.create(bid=bid, seq=seq, issued_at=now, payload=payload,
                                             signature=receipts.sign_payload(payload))
            record(caller, "bids.submit", bid, embargo=audit_embargo.key("tender", tender.pk),
                   tender=tender.reference, lot=lot.number if lot else None, version=bid.version,
                   replaced_bid=previous.pk if previous else None,
                   ciphertext_sha256=bid.content_digest, attachments=len(digests), receipt_seq=seq)
    except IntegrityError:
        _delete_files(written)
        if client_key and Bid.objects.filter(bidder=organisation, client_key=client_key).exists():
            return _replay(caller, organisation, tender_id, client_key)
        raise ValidationError({"tender": _("Another submission for this tender was being stored at the same "
                                           "moment; please try again.")}) from None
    except BaseException:
        _delete_files(written)
        raise
    bid._prefetched_objects_cache = {"attachments": bid.attachments.none()} if not digests else {}
    return Submission(bid, receipt, created=True)


def _collect(errors, clean, *args):
    """Run one check; file its field errors in `errors` (so every problem is answered at once) and return None."""
    try:
        return clean(*args)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def clean_lot(tender_id, value):
    """The tender's Lot a bid is for, from its number; None for a tender without lots.

    Lots are fixed once a tender is published (only drafts are edited), so this reads them without a lock.
    An unknown tender is left to the submission's own check.
    """
    lots = {lot.number: lot for lot in Lot.objects.filter(tender_id=tender_id)} if tender_id else {}
    given = value not in (None, "")
    if not lots:
        if given and Tender.objects.exclude(status=TenderStatus.DRAFT).filter(pk=tender_id).exists():
            raise ValidationError({"lot": _("This tender is not divided into lots; leave the lot empty.")})
        return None  # no lot, or no such tender (answered on "tender")
    numbers = ", ".join(str(n) for n in sorted(lots))
    if not given:
        raise ValidationError({"lot": _("This tender is divided into lots (%(numbers)s): give the number of the "
                                        "lot you bid for.") % {"numbers": numbers}})
    number = bid_content.as_row_id(value)
    if number is None:
        raise ValidationError({"lot": _("Give the lot as its number within the tender (%(numbers)s).")
                               % {"numbers": numbers}})
    if number not in lots:
        raise ValidationError({"lot": _("This tender has no lot %(number)d; its lots are %(numbers)s.")
                               % {"number": number, "numbers": numbers}})
    return lots[number]


def _existing_for_key(organisation, client_key, tender, lot=None, check_lot=False):
    # Almost every key is new: a narrow query first (building the full one costs more CPU than running it).
    found = (Bid.objects.filter(bidder=organisation, client_key=client_key)
             .values_list("pk", "tender_id", "lot_id").first())
    if found is None:
        return None
    if found[1] != tender.pk:
        raise ValidationError({"client_key": _("This client key was already used for another tender.")})
    if check_lot and found[2] != (lot.pk if lot else None):
        raise ValidationError({"client_key": _("This client key was already used for another lot of this tender.")})
    return Bid.objects.select_related("receipt", "lot").get(pk=found[0])


def _replay(caller, organisation, tender_id, client_key):
    with transaction.atomic():
        tender = _lock_tender(tender_id)
        existing = _existing_for_key(organisation, client_key, tender)
        return Submission(existing, existing.receipt, created=False)


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _own_active_bid_locked(caller, bid_id):
    """Lock the tender then the bid; someone else's bid is indistinguishable from none."""
    organisation = _organisation(caller)
    bid_id = bid_content.as_row_id(bid_id)
    tender_id = Bid.objects.filter(pk=bid_id, bidder=organisation).values_list("tender_id", flat=True).first() \
        if bid_id else None
    if tender_id is None:
        raise Http404(_("No such bid."))
    tender = _lock_tender(tender_id)
    bid = Bid.objects.select_for_update().get(pk=bid_id)
    return tender, bid


def withdraw_bid(caller, bid_id):
    arrived_at = arrival.moment(caller.arrived)
    authorize(caller.user, "bid.withdraw")
    with transaction.atomic():
        tender, bid = _own_active_bid_locked(caller, bid_id)
        if bid.status != BidStatus.ACTIVE:
            raise ValidationError({"bid": _("Only a submitted bid can be withdrawn (this one is %(status)s).")
                                   % {"status": bid.get_status_display()}})
        _require_open_for_bids(tender, arrived_at, clock.now())
        bid.status = BidStatus.WITHDRAWN
        bid.save(update_fields=["status"])
        record(caller, "bids.withdraw", bid, embargo=audit_embargo.key("tender", tender.pk), tender=tender.reference, version=bid.version)
    return bid


def confirm_bid(caller, bid_id):
    """Confirm a bid again after the tender's conditions changed; until then it is not valid."""
    arrived_at = arrival.moment(caller.arrived)
    authorize(caller.user, "bid.confirm")
    with transaction.atomic():
        tender, bid = _own_active_bid_locked(caller, bid_id)
        if bid.status != BidStatus.ACTIVE or not bid.needs_reconfirmation:
            raise ValidationError({"bid": _("This bid does not need confirming.")})
        now = clock.now()
        _require_open_for_bids(tender, arrived_at, now)
        bid.needs_reconfirmation = False
        bid.confirmed_at = now
        bid.save(update_fields=["needs_reconfirmation", "confirmed_at"])
        record(caller, "bids.confirm", bid, embargo=audit_embargo.key("tender", tender.pk), tender=tender.reference, version=bid.version)
    return bid


def require_reconfirmation(tender):
    """The conditions changed: every submitted bid must be confirmed again (called in that transaction)."""
    Bid.objects.filter(tender=tender, status=BidStatus.ACTIVE).update(needs_reconfirmation=True, confirmed_at=None)


# --- the opening ---------------------------------------------------------------

def _refuse_before_deadline(tender):
    if tender.deadline is None or clock.now() < tender.deadline:
        raise SealedUntilDeadline(_("Bids stay sealed until the deadline has passed."))


def _check_key(tender, private_key):
    tender_key = TenderKey.objects.filter(tender=tender).first()
    try:
        matches = tender_key is not None and sealing.public_key_of(private_key) == bytes(tender_key.public_key)
    except (TypeError, ValueError):
        matches = False
    if not matches:
        raise ValidationError({"private_key": _("This is not the tender's private key.")})


def open_bids(tender, private_key, caller=None):
    """Decrypt the tender's submitted bids and fill their announced fields; refuse before the deadline.

    Bids still waiting for reconfirmation lapse; a bid whose ciphertext does not open, or opens to content
    that fails the bid form's field checks (`content.check_opened`), is marked withdrawn at opening with its reason
    (the ceremony then tells the bidder's fault from the platform's). Returns the opened bids in announcement order: by lot number,
    then in order of receipt. Bids of a lot that failed at the opening are no longer active and stay sealed.
    """
    from trading.accounts.caller import Caller

    caller = caller or Caller.system()
    _refuse_before_deadline(tender)
    _check_key(tender, private_key)
    opened = []
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        _refuse_before_deadline(tender)
        # OF self: ordering by lot joins the nullable lot, which PostgreSQL will not lock.
        pending = Bid.objects.select_for_update(of=("self",)).filter(tender=tender, status=BidStatus.ACTIVE)
        order = 0
        # Announced lot by lot (a tender without lots: all in order of receipt).
        for bid in pending.order_by("lot__number", "received_at", "id"):
            if bid.needs_reconfirmation:
                bid.status = BidStatus.LAPSED
                bid.save(update_fields=["status"])
                continue
            try:
                values = bid_content.check_opened(sealing.unseal(private_key, bid.sealed_content or b""))
            except sealing.SealingError:
                bid.status = BidStatus.WITHDRAWN_AT_OPENING
                bid.opening_note = _("The sealed bid could not be decrypted.")
                bid.save(update_fields=["status", "opening_note"])
                continue
            except ValidationError as exc:
                # Sealed by the bidder's own client, so checked here for the first time: not announced.
                bid.status = BidStatus.WITHDRAWN_AT_OPENING
                bid.opening_note = (_("The bid decrypts but is not a valid bid: %(reason)s")
                                    % {"reason": " ".join(exc.messages)})[:300]
                bid.save(update_fields=["status", "opening_note"])
                continue
            _fill_opened_fields(bid, values)
            order += 1
            bid.status, bid.announce_order = BidStatus.OPENED, order
            bid.save()
            opened.append(bid)
        if tender.opened_at is None:
            tender.opened_at = clock.now()
            tender.save(update_fields=["opened_at"])
        record(caller, "bids.open", tender, opened=len(opened))
    return opened


def _fill_opened_fields(bid, values):
    from decimal import Decimal

    bid.price = Decimal(values["price"])
    bid.duration_days = int(values["duration_days"])
    bid.quality = str(values["quality"])[:200]
    bid.project_manager = str(values["project_manager"])[:100]
    bid.security_reference = str(values["security_reference"])[:100]


def open_attachment(attachment, private_key):
    """Return the (name, bytes) of an attachment; refuse before the deadline."""
    _refuse_before_deadline(attachment.bid.tender)
    _check_key(attachment.bid.tender, private_key)
    with attachment.sealed_file.open("rb") as handle:
        return bid_content.unseal_attachment(private_key, handle.read())
