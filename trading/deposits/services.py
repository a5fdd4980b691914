"""Every write of bid security: declared by the bidder, confirmed by finance staff or by the bank's signed
notification, refunded, or forfeited on a statutory ground (then noted on the firm's credit record).

Who bid must stay secret until the opening, and a security payment says who means to bid: every audit entry here
carries the tender's embargo key, and the register is shown before the opening only to the bidder itself and to
the finance staff who must confirm it (see selectors).
"""
import datetime as dt
import json
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from trading import sealing
from trading.accounts.permissions import authorize
from trading.audit import embargo as audit_embargo
from trading.audit.services import record
from trading.award.models import Award, PassOver
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidStatus
from trading.credit.models import EntryKind
from trading.credit.services import note
from trading.tenders import clock, rules
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.lifecycle import bidding_over
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.money import format_amount, parse_amount
from trading.tenders.selectors import is_own

from .models import Bank, BankNotification, ConfirmedVia, ForfeitGround, SecurityPayment, SecurityStatus

ACCOUNT = re.compile(r"[0-9A-Z]{8,34}")
# A bank's notification is accepted only this close to the platform's clock: with the unique notification id,
# an old message replayed later is refused even if the bank reused an id.
NOTIFICATION_WINDOW = dt.timedelta(minutes=5)
MAX_NOTIFICATION_BYTES = 8 * 1024


def clean_account(errors, field, value):
    """A bank account number as banks print it (spaces and hyphens allowed), kept as digits and capitals."""
    if not isinstance(value, str):
        errors[field] = _("Enter the bank account number.")
        return ""
    compact = re.sub(r"[\s-]", "", value).upper()
    if not compact:
        errors[field] = _("This field is required.")
    elif not ACCOUNT.fullmatch(compact):
        errors[field] = _("A bank account number has 8 to 34 digits or letters.")
    return compact


def _embargo(tender):
    return audit_embargo.key("tender", tender.pk)


def _tender(tender_id):
    row_id = as_row_id(tender_id)
    tender = Tender.objects.exclude(status=TenderStatus.DRAFT).filter(pk=row_id).first() if row_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _payment(payment_id):
    row_id = as_row_id(payment_id)
    payment = SecurityPayment.objects.filter(pk=row_id).first() if row_id else None
    if payment is None:
        raise Http404(_("No such bid security payment."))
    return payment


def declare_payment(caller, tender_id, *, paying_account, reference, paying_bank=""):
    """The bidder says how it paid the tender's bid security: from which account, with which reference.
    Before the deadline only; a declaration not yet confirmed may be corrected."""
    authorize(caller.user, "security.pay")
    organisation = caller.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    tender = _tender(tender_id)
    errors = {}
    account = clean_account(errors, "paying_account", paying_account)
    reference = rules.text(errors, "reference", reference, 100)
    paying_bank = rules.text(errors, "paying_bank", paying_bank, rules.MAX_TITLE, required=False)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # The tender row is not locked: submissions hold it in share mode at the deadline rush, and a
            # declaration needs only its own row (the unique constraint settles two at once).
            tender = Tender.objects.get(pk=tender.pk)
            now = clock.now()
            if tender.bid_security_amount <= 0:
                raise ValidationError({"tender": _("This tender asks for no bid security.")})
            if tender.status != TenderStatus.PUBLISHED or tender.deadline is None or now >= tender.deadline:
                raise ValidationError({"tender": _("Bid security is paid before the bid deadline; this tender is "
                                                   "no longer open for bids.")})
            payment = SecurityPayment.objects.select_for_update().filter(tender=tender, bidder=organisation).first()
            if payment is not None and payment.status != SecurityStatus.DECLARED:
                raise ValidationError({"tender": _("Your bid security for this tender is already %(status)s.") % {
                    "status": payment.get_status_display().lower()}})
            if payment is None:
                payment = SecurityPayment(tender=tender, bidder=organisation)
            payment.amount = tender.bid_security_amount
            payment.paying_account = payment.declared_account = account
            payment.reference, payment.paying_bank = reference, paying_bank
            payment.declared_by, payment.declared_at = caller.user, now
            payment.save()
            record(caller, "deposits.declare", payment, embargo=_embargo(tender), tender=tender.reference,
                   amount=str(payment.amount), paying_account=account, reference=reference)
    except IntegrityError:
        raise ValidationError({"tender": _("Another declaration for this tender was being stored at the same moment; "
                                           "please try again.")}) from None
    return payment


def _received_in_time(errors, field, tender, received_at, now):
    if received_at > now:
        errors[field] = _("The money cannot have arrived in the future.")
    elif tender.deadline is not None and received_at > tender.deadline:
        errors[field] = _("The money arrived after the bid deadline (%(deadline)s): it does not secure the bid.") % {
            "deadline": rules.when(tender.deadline)}


def confirm_payment(caller, payment_id, *, received_at, amount, paying_account=""):
    """Finance staff confirm a declared payment against the bank statement: when it arrived (by the deadline),
    how much (at least the amount asked), and from which account if the statement shows another one."""
    authorize(caller.user, "security.confirm")
    payment = _payment(payment_id)
    errors = {}
    received_at = rules.moment(errors, "received_at", received_at)
    if received_at is None and "received_at" not in errors:
        errors["received_at"] = _("This field is required.")
    amount = rules.amount(errors, "amount", amount)
    account = clean_account(errors, "paying_account", paying_account) if paying_account not in (None, "") else ""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = SecurityPayment.objects.select_for_update().select_related("tender").get(pk=payment.pk)
        tender, now = payment.tender, clock.now()
        if payment.status != SecurityStatus.DECLARED:
            raise ValidationError({"payment": _("This payment is already %(status)s.") % {
                "status": payment.get_status_display().lower()}})
        _received_in_time(errors, "received_at", tender, received_at, now)
        if amount < payment.amount:
            errors["amount"] = _("Less than the bid security asked (%(asked)s).") % {"asked": payment.amount}
        if errors:
            raise ValidationError(errors)
        if account:
            payment.paying_account = account
        payment.status, payment.received_at = SecurityStatus.CONFIRMED, received_at
        payment.confirmed_at, payment.confirmed_by, payment.confirmed_via = now, caller.user, ConfirmedVia.FINANCE
        payment.save()
        record(caller, "deposits.confirm", payment, embargo=_embargo(tender), tender=tender.reference,
               bidder=payment.bidder.credit_code, via=ConfirmedVia.FINANCE, received_at=received_at,
               amount=str(amount), paying_account=payment.paying_account,
               declared_account=payment.declared_account)
    return payment


# --- the bank's signed notification --------------------------------------------------------------------------

NOTIFICATION_FIELDS = ("bank", "notification_id", "sent_at", "tender", "reference", "payer_account", "amount",
                       "credited_at")


def _parse_notification(raw):
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError({"body": _("The notification is not JSON.")}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": _("The notification is not a JSON object.")})
    errors = {}
    for field in NOTIFICATION_FIELDS:
        if field not in data:
            errors[field] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    return data


def _moment(errors, field, value):
    parsed = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
    if parsed is None or timezone.is_naive(parsed):
        errors[field] = _("Enter a date and time with its zone, ISO 8601.")
        return None
    return parsed


def receive_bank_notification(caller, raw, signature):
    """A bank tells the platform that bid security arrived: the raw body, signed with the bank's Ed25519 key.

    Refused: an unknown or inactive bank, a bad signature (403); a notification sent outside the time window or
    an id already received (a replay) (400). Accepted notifications are kept with their outcome: `confirmed`
    (the declared payment it names is confirmed, with the account the bank saw), `unmatched`, `short`, `late`,
    or `already` (confirmed before)."""
    if not isinstance(raw, (bytes, bytearray)) or len(raw) > MAX_NOTIFICATION_BYTES:
        raise ValidationError({"body": _("The notification is missing or too large.")})
    data = _parse_notification(bytes(raw))
    code = data.get("bank")
    bank = Bank.objects.filter(code=code, active=True).first() if isinstance(code, str) and len(code) <= 40 else None
    if bank is None:
        raise PermissionDenied(_("No active bank is registered with this code."))
    if not isinstance(signature, str) or not re.fullmatch(r"[0-9a-fA-F]{128}", signature or "") or \
            not sealing.verify_signature(bank.public_key, bytes(raw), signature):
        raise PermissionDenied(_("The notification's signature does not verify with the bank's registered key."))
    errors = {}
    notification_id = data["notification_id"]
    if not isinstance(notification_id, str) or not 1 <= len(notification_id) <= 100 or "\x00" in notification_id:
        errors["notification_id"] = _("Give an id of 1 to 100 characters.")
    now = clock.now()
    sent_at = _moment(errors, "sent_at", data["sent_at"])
    credited_at = _moment(errors, "credited_at", data["credited_at"])
    if sent_at is not None and abs(now - sent_at) > NOTIFICATION_WINDOW:
        errors["sent_at"] = _("Sent at %(sent)s, outside the %(minutes)d minutes the platform accepts: refused as a "
                              "possible replay.") % {"sent": sent_at.isoformat(), "minutes": 5}
    tender_id = as_row_id(data["tender"])
    if tender_id is None:
        errors["tender"] = _("Give the tender's id.")
    reference = rules.text(errors, "reference", data["reference"], 100)
    account = clean_account(errors, "payer_account", data["payer_account"])
    try:
        amount = parse_amount(data["amount"]) if isinstance(data["amount"], (str, int)) else None
    except ValidationError:
        amount = None
    if amount is None and "amount" not in errors:
        errors["amount"] = _("Give the amount as a decimal string.")
    if errors:
        raise ValidationError(errors)
    if BankNotification.objects.filter(bank=bank, notification_id=notification_id).exists():
        raise ValidationError({"notification_id": _("This notification was already received: a replay is "
                                                     "refused.")})
    try:
        with transaction.atomic():
            payment = (SecurityPayment.objects.select_for_update().select_related("tender", "bidder")
                       .filter(tender_id=tender_id, reference__iexact=reference).first())
            outcome = "unmatched"
            if payment is not None:
                late = {}
                _received_in_time(late, "credited_at", payment.tender, credited_at, now)
                if payment.status != SecurityStatus.DECLARED:
                    outcome = "already"
                elif late:
                    outcome = "late"
                elif amount < payment.amount:
                    outcome = "short"
                else:
                    outcome = "confirmed"
                    payment.paying_account = account
                    payment.status, payment.received_at = SecurityStatus.CONFIRMED, credited_at
                    payment.confirmed_at, payment.confirmed_via = now, ConfirmedVia.BANK
                    payment.save()
            notification = BankNotification.objects.create(
                bank=bank, notification_id=notification_id, sent_at=sent_at, received_at=now,
                body=bytes(raw).decode("utf-8"), signature=signature.lower(), payment=payment, outcome=outcome)
            record(caller, "deposits.bank_notice", notification,
                   embargo=_embargo(payment.tender) if payment else audit_embargo.key("tender", tender_id),
                   bank=bank.code, notification_id=notification_id, outcome=outcome,
                   payment=payment.pk if payment else None, paying_account=account)
    except IntegrityError:
        raise ValidationError({"notification_id": _("This notification was already received: a replay is "
                                                    "refused.")}) from None
    return notification


# --- refund and forfeiture -----------------------------------------------------------------------------------

# Bids still in the competition (or, revoked at the opening, awaiting the entity's decision on forfeiture). A bid
# set aside for a reason not the bidder's (its lot failed, a tampered ciphertext, lapsed after a change of
# conditions) frees its security at once.
STANDING = (BidStatus.ACTIVE, BidStatus.OPENED, BidStatus.REVOKED)


def _standing_bid(payment):
    return Bid.objects.filter(tender=payment.tender_id, bidder=payment.bidder_id, status__in=STANDING).exists()


REFUNDABLE = (TenderStatus.AWARDED, TenderStatus.COMPLETE, TenderStatus.FAILED, TenderStatus.CANCELLED)


def refund(caller, payment_id, *, refund_reference):
    """Finance staff record the refund of a confirmed payment: after the award (the policy's days from the
    contract, a checkpoint), at the end of a failed or cancelled procedure, or to a firm whose bid was withdrawn
    before the deadline (or never made)."""
    authorize(caller.user, "security.refund")
    payment = _payment(payment_id)
    errors = {}
    refund_reference = rules.text(errors, "refund_reference", refund_reference, 100)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = SecurityPayment.objects.select_for_update().select_related("tender", "bidder").get(pk=payment.pk)
        tender = payment.tender
        if payment.status != SecurityStatus.CONFIRMED:
            raise ValidationError({"payment": _("Only received security is refunded; this payment is %(status)s.")
                                   % {"status": payment.get_status_display().lower()}})
        if tender.status not in REFUNDABLE and _standing_bid(payment):
            raise ValidationError({"payment": _("The bid this security secures still stands: it is refunded after "
                                                "the award or when the procedure ends.")})
        payment.status, payment.refunded_at, payment.refunded_by = SecurityStatus.REFUNDED, clock.now(), caller.user
        payment.refund_reference = refund_reference
        payment.save()
        record(caller, "deposits.refund", payment, embargo=_embargo(tender), tender=tender.reference,
               bidder=payment.bidder.credit_code, amount=str(payment.amount), refund_reference=refund_reference)
        refresh_checkpoints(tender, caller)
    return payment


def _ground_recorded(payment, ground):
    """The fact the ground rests on must be on the platform: a bid its bidder did not decrypt at the opening (a
    withdrawal after the deadline), or the bidder's award revoked because it declined or failed to sign."""
    if ground == ForfeitGround.WITHDRAWN_AFTER_DEADLINE:
        return Bid.objects.filter(tender=payment.tender_id, bidder=payment.bidder_id,
                                  status=BidStatus.REVOKED).exists()
    because = PassOver.DECLINED if ground == ForfeitGround.REFUSED_AWARD else PassOver.FAILED_TO_SIGN
    return Award.objects.filter(tender=payment.tender_id, winner=payment.bidder_id, revoked_at__isnull=False,
                                revoked_because=because).exists()


def forfeit(caller, payment_id, *, ground, reason):
    """The tender's entity keeps a bidder's security on a statutory ground the platform recorded (Implementing
    Regulations art. 35, 74): audited, and noted on the firm's credit record."""
    authorize(caller.user, "security.forfeit")
    payment = _payment(payment_id)
    if not is_own(caller.user, payment.tender):
        raise PermissionDenied(_("This tender belongs to another procuring entity."))
    errors = {}
    if ground not in ForfeitGround.values:
        errors["ground"] = _("Choose one of the statutory grounds.")
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = SecurityPayment.objects.select_for_update().select_related("tender", "bidder").get(pk=payment.pk)
        tender = payment.tender
        if payment.status != SecurityStatus.CONFIRMED:
            raise ValidationError({"payment": _("Only received security not yet refunded can be forfeited; this "
                                                "payment is %(status)s.") % {
                "status": payment.get_status_display().lower()}})
        if not bidding_over(tender):
            raise ValidationError({"ground": _("Before the deadline a bidder may withdraw and have its security "
                                               "back; nothing is forfeited.")})
        if not _ground_recorded(payment, ground):
            raise ValidationError({"ground": _("The platform has no record of this ground for %(bidder)s: %(ground)s.")
                                   % {"bidder": payment.bidder.name,
                                      "ground": ForfeitGround(ground).label}})
        now = clock.now()
        payment.status, payment.forfeited_at, payment.forfeited_by = SecurityStatus.FORFEITED, now, caller.user
        payment.forfeit_ground, payment.forfeit_reason = ground, reason
        payment.save()
        note(caller, payment.bidder, EntryKind.SECURITY_FORFEITED,
             _("Bid security of %(amount)s forfeited in tender %(tender)s: %(ground)s.") % {
                 "amount": format_amount(payment.amount), "tender": tender.reference, "ground": ForfeitGround(ground).label},
             source=f"deposits.SecurityPayment:{payment.pk}", at=now)
        record(caller, "deposits.forfeit", payment, tender=tender.reference, bidder=payment.bidder.credit_code,
               amount=str(payment.amount), ground=ground, reason=reason)
        refresh_checkpoints(tender, caller)
    return payment


