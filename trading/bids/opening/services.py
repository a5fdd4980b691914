"""Every write of the opening ceremony, one function per use case.

Each runs in one transaction that locks the session row (so event numbers are
gap-free and steps cannot interleave), checks the role, the step and the clock
as its row of RULES says, moves the session on only as steps.NEXT allows,
writes its audit entry and appends its events, which are broadcast after commit.
"""
import hashlib
import json
from contextlib import contextmanager
from datetime import timedelta
from typing import Callable, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from nacl import secret

from trading import platform_key, sealing
from trading.accounts.caller import Caller
from trading.accounts.models import HolderKey
from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import Role
from trading.audit.services import record
from trading.bids import content as bid_content
from trading.bids.models import Bid, BidStatus, KeyShare, TenderKey
from trading.bids.services import open_bids
from trading.tenders import arrival, clock, holds, rules
from trading.tenders.models import Lot, Tender, TenderStatus
from trading.tenders.moves import move_tender
from trading.tenders.selectors import is_own

from . import events, integrity, marks
from .models import (FINISHED, Audience, Objection, OpeningCommand, OpeningSession, OpeningState, PresentedShare,
                     SignIn)
from .steps import deadline, move

S = OpeningState
MAX_TEXT = 2000
BIDDER_STATUSES = (BidStatus.ACTIVE, BidStatus.OPENED, BidStatus.REVOKED, BidStatus.WITHDRAWN_AT_OPENING,
                   BidStatus.LAPSED, BidStatus.LOT_FAILED, BidStatus.INVALID)
# Bids the opening tried and did not announce, each announced as such with its reason.
REJECTED_STATUSES = (BidStatus.WITHDRAWN_AT_OPENING, BidStatus.REVOKED, BidStatus.LAPSED, BidStatus.INVALID)


# --- locking and checks ---------------------------------------------------------------

def _lock(tender_id):
    """Lock the tender and its session (created on first use); unknown and draft tenders do not exist."""
    try:
        tender = (Tender.objects.select_for_update().select_related("project")
                  .exclude(status=TenderStatus.DRAFT).get(pk=int(tender_id)))
    except (Tender.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such tender.")) from None
    session, _created = OpeningSession.objects.select_for_update().get_or_create(
        tender=tender, defaults={"confirmation_minutes": tender.confirmation_minutes,
                                 "step_deadline": _room_deadline(tender)})
    return tender, session


def _room_deadline(tender):
    return tender.deadline + timedelta(minutes=OpeningSession._meta.get_field("room_minutes").default) \
        if tender.deadline else None


def is_host(user, tender):
    return allowed(user, "opening.host") and is_own(user, tender)


def _require_step(session, *states):
    if session.state not in states:
        raise ValidationError({"step": _("Not possible now: the opening is at the step “%(step)s”.")
                               % {"step": session.get_state_display()}})


def _require_running(session):
    if session.paused:
        raise ValidationError({"step": _("The opening is paused: %(reason)s") % {"reason": session.pause_reason}})


def _bid_of(caller, tender, statuses):
    authorize(caller.user, "opening.respond")
    organisation_id = caller.user.organisation_id
    bid = Bid.objects.filter(tender=tender, bidder_id=organisation_id, status__in=statuses).first() \
        if organisation_id else None
    if bid is None:
        raise PermissionDenied(_("Only bidders of this tender may do this."))
    return bid


# Who may act: each check refuses a caller without a part in the command and returns what it found.

def _require_host(caller, tender, session):
    authorize(caller.user, "opening.host")
    if not is_own(caller.user, tender):
        raise PermissionDenied(_("Only the procuring entity of this tender hosts its opening."))
    return caller.user


def _require_bidder(caller, tender, session):
    return _bid_of(caller, tender, (BidStatus.ACTIVE,))


def _require_key_holder(caller, tender, session):
    authorize(caller.user, "opening.hold_share")
    share = KeyShare.objects.filter(tender_key__tender=tender, holder=caller.user).select_related(
        "tender_key").first()
    if share is None:
        raise PermissionDenied(_("You hold no key share of this tender."))
    return share


def _require_signed_in_bidder(caller, tender, session):
    bid = _bid_of(caller, tender, BIDDER_STATUSES)
    sign_in = SignIn.objects.select_for_update().filter(session=session, bidder_id=bid.bidder_id).first()
    if sign_in is None:
        raise PermissionDenied(_("Only bidders who signed in may confirm or object."))
    return bid, sign_in


def _require_pauser(caller, tender, session):
    if is_host(caller.user, tender):
        return "host"
    authorize(caller.user, "procedure.pause")
    return "supervisor"


class Rule(NamedTuple):
    actor: Callable  # one of the checks above
    states: tuple = ()  # the steps the command may be given in; () for any
    running: bool = True  # refused while the opening is paused
    time_limits: bool = True  # overrun steps are dealt with first


RULES = {
    "open_room": Rule(_require_host, (S.WAITING,), running=False),
    "sign_in": Rule(_require_bidder, (S.ROOM_OPEN, S.SIGNING_IN)),
    "present_share": Rule(_require_key_holder, (S.ROOM_OPEN, S.SIGNING_IN, S.DECRYPTING)),
    "announce_next": Rule(_require_host, (S.ANNOUNCING,)),
    "confirm": Rule(_require_signed_in_bidder, (S.CONFIRMING,)),
    "object": Rule(_require_signed_in_bidder, (S.CONFIRMING,)),
    "answer": Rule(_require_host, (S.CONFIRMING,)),
    "close": Rule(_require_host, (S.CONFIRMING,)),
    # A pause holds the step as it stands, even an overrun sign-in; pause and resume check the step themselves.
    "pause": Rule(_require_pauser, running=False, time_limits=False),
    "resume": Rule(_require_pauser, running=False, time_limits=False),
}


@contextmanager
def _acting(caller, tender_id, command):
    """The checks every command begins with, under the session lock; yields tender, session and what the actor found.

    The role is checked before the step, so a caller without a part in the opening learns nothing of where it stands.
    """
    rule = RULES[command]
    if rule.time_limits:
        check_time_limits(tender_id)
    with transaction.atomic():
        tender, session = _lock(tender_id)
        found = rule.actor(caller, tender, session)
        if rule.states:
            _require_step(session, *rule.states)
        if rule.running:
            _require_running(session)
        yield tender, session, found


def _text(field, value, required=True):
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError({field: _("This field is required.")})
    value = value.strip()
    if len(value) > MAX_TEXT or "\x00" in value:
        raise ValidationError({field: _("At most %(n)d characters of text.") % {"n": MAX_TEXT}})
    return value


def _org_name(organisation):
    return organisation.name if organisation else ""


def lot_fields(bid):
    """The lot a bid is for, as events and the record name it ({} for a tender without lots)."""
    return {"lot": bid.lot.number, "lot_title": bid.lot.title} if bid.lot_id else {}


# --- time limits -------------------------------------------------------------------

def check_time_limits(tender_id, caller=None):
    """Raise one supervisor alarm per overrun step; close a sign-in whose window ended.

    Called before every service, by officials' websocket ticks and by `opening_watchdog`.
    Returns the kinds of events it appended.
    """
    caller = caller or Caller.system()
    now = clock.now()
    quick = OpeningSession.objects.filter(tender_id=tender_id).values(
        "state", "paused", "step_deadline", "alarmed_step").first()
    if quick and (quick["state"] in FINISHED or quick["paused"] or not quick["step_deadline"]
                  or now <= quick["step_deadline"]):
        return []
    with transaction.atomic():
        try:
            tender, session = _lock(tender_id)
        except Http404:
            return []
        if session.state in FINISHED or session.paused or not session.step_deadline or now <= session.step_deadline:
            return []
        if session.state == S.WAITING and tender.status not in (TenderStatus.PUBLISHED, TenderStatus.BIDDING_CLOSED):
            return []
        appended = []
        if session.state in (S.ROOM_OPEN, S.SIGNING_IN):
            # Bidders who did not sign in in time lose only the sign-in; the ceremony goes on.
            _close_sign_in(session, now)
            session.save()
            record(caller, "opening.sign_in_closed", tender)
            return ["sign_in_closed"]
        step_key = f"{session.state}:{session.step_deadline.isoformat()}"
        if session.alarmed_step != step_key:
            overdue = int((now - session.step_deadline).total_seconds())
            events.append(session, "alarm", {"step": session.state, "deadline": session.step_deadline.isoformat(),
                                             "overdue_seconds": overdue}, Audience.OFFICIALS)
            session.alarmed_step = step_key
            session.save()
            record(caller, "opening.alarm", tender, step=session.state, overdue_seconds=overdue)
            appended.append("alarm")
        return appended


def active_tender_ids():
    """Tenders whose opening may need a time-limit check: running sessions, and due openings not begun."""
    now = clock.now()
    running = OpeningSession.objects.exclude(state__in=FINISHED).values_list("tender_id", flat=True)
    due = Tender.objects.filter(status__in=(TenderStatus.PUBLISHED, TenderStatus.BIDDING_CLOSED),
                                deadline__lte=now, imported=False).values_list("id", flat=True)
    return sorted(set(running) | set(due))


# --- the ceremony ------------------------------------------------------------------------

def open_room(caller, tender_id):
    """The host opens the hall at (or after) the deadline; with too few bids the procedure fails.

    A tender with lots counts bids per lot: a lot with fewer than the minimum fails on its own (its bids stay
    sealed) and the others go on; the procedure fails only when every lot has.
    """
    with _acting(caller, tender_id, "open_room") as (tender, session, host):
        now = clock.now()
        if tender.deadline is None or now < tender.deadline:
            raise ValidationError({"step": _("The opening hall opens at the bid deadline (%(deadline)s).")
                                   % {"deadline": tender.deadline.isoformat(timespec="minutes") if tender.deadline
                                      else "?"}})
        if now < arrival.settled_at(tender.deadline):
            # Bids that arrived before the deadline may still be waiting for their turn to be stored.
            raise ValidationError({"step": _(
                "Bids that arrived before the deadline are still being stored; the opening hall opens at %(when)s."
            ) % {"when": rules.when_to_the_second(arrival.settled_at(tender.deadline))}})
        # An objection to the documents or a complaint may hold the procedure: the hall waits until it is lifted.
        holds.check(tender, "opening")
        if tender.status == TenderStatus.PUBLISHED:
            move_tender(caller, tender, TenderStatus.BIDDING_CLOSED, _("Bid deadline passed."))
        move_tender(caller, tender, TenderStatus.OPENING, _("The host opened the opening hall."))
        active = Bid.objects.filter(tender=tender, status=BidStatus.ACTIVE)
        bids = active.count()
        lots = [(lot, active.filter(lot=lot).count())
                for lot in Lot.objects.select_for_update().filter(tender=tender, failed_at__isnull=True)
                .order_by("number")]
        session.host = host
        session.opened_at = now
        session.confirmation_minutes = tender.confirmation_minutes
        move(session, S.ROOM_OPEN, now)
        payload = {"host": _org_name(caller.organisation), "bids": bids, "min_bids": tender.min_bids,
                   "sign_in_until": session.step_deadline.isoformat(), "threshold": _threshold(tender)}
        if lots:
            payload["lots"] = [{"lot": lot.number, "lot_title": lot.title, "bids": n} for lot, n in lots]
        events.append(session, "room_opened", payload)
        record(caller, "opening.open_room", tender, bids=bids,
               **({"lots": {str(lot.number): n for lot, n in lots}} if lots else {}))
        too_few = [(lot, n) for lot, n in lots if n < tender.min_bids]
        for lot, n in too_few:
            _fail_lot(caller, tender, session, lot, n, now)
        if lots and len(too_few) == len(lots):
            _fail(caller, tender, session, _("Every lot received fewer than %(min)d bids; the procedure has failed "
                                             "and must be tendered again.") % {"min": tender.min_bids})
        elif not lots and bids < tender.min_bids:
            _fail(caller, tender, session, _("Only %(n)d bid(s) were received; at least %(min)d are required. "
                                             "The procedure has failed and must be tendered again.")
                  % {"n": bids, "min": tender.min_bids})
        else:
            session.save()
    return session


def _fail_lot(caller, tender, session, lot, bids, now):
    """A lot with too few bids fails at the opening: its bids are not opened, and the other lots go on."""
    reason = _("Only %(n)d bid(s) were received for this lot; at least %(min)d are required. The lot has failed "
               "and must be tendered again.") % {"n": bids, "min": tender.min_bids}
    lot.failed_at, lot.failure_reason = now, reason[:500]
    lot.save(update_fields=["failed_at", "failure_reason"])
    Bid.objects.filter(tender=tender, lot=lot, status=BidStatus.ACTIVE).update(
        status=BidStatus.LOT_FAILED, opening_note=_("Not opened: its lot failed at the opening.")[:300])
    events.append(session, "lot_failed", {"lot": lot.number, "lot_title": lot.title, "bids": bids,
                                          "min_bids": tender.min_bids, "reason": reason})
    record(caller, "opening.lot_failed", lot, tender=tender.reference, lot=lot.number, bids=bids, reason=reason)


def _threshold(tender):
    key = TenderKey.objects.filter(tender=tender).first()
    return key.threshold if key else None


def sign_in(caller, tender_id):
    with _acting(caller, tender_id, "sign_in") as (tender, session, bid):
        if SignIn.objects.filter(session=session, bidder_id=bid.bidder_id).exists():
            raise ValidationError({"step": _("Your organisation has already signed in.")})
        now = clock.now()
        SignIn.objects.create(session=session, bidder_id=bid.bidder_id, user=caller.user, at=now, ip=caller.ip or "")
        if session.state == S.ROOM_OPEN:
            move(session, S.SIGNING_IN, now)
            session.save()
        events.append(session, "signed_in", {"bidder": bid.bidder.name, "bidder_id": bid.bidder_id})
        record(caller, "opening.sign_in", tender, bidder=bid.bidder.name)
    return session


def _share_box_key(session):
    return hashlib.blake2b(f"opening-share:{session.pk}".encode(), key=settings.SECRET_KEY.encode()[:64],
                           digest_size=secret.SecretBox.KEY_SIZE).digest()


def present_share(caller, tender_id, passphrase):
    """A key holder presents their share; when k are in, the key is rebuilt in memory and the bids are opened."""
    with _acting(caller, tender_id, "present_share") as (tender, session, share):
        if PresentedShare.objects.filter(session=session, holder=caller.user).exists():
            raise ValidationError({"passphrase": _("You have already presented your share.")})
        holder_key = HolderKey.objects.filter(user=caller.user).first()
        try:
            private_holder_key = sealing.unlock_holder_key(holder_key.locked_private_key, passphrase or "")
            opened_share = sealing.open_share(share.sealed_share, private_holder_key)
        except (sealing.SealingError, AttributeError, ValueError):
            raise ValidationError({"passphrase": _("The passphrase does not open your key share.")}) from None
        now = clock.now()
        box = secret.SecretBox(_share_box_key(session)).encrypt(sealing.canonical(opened_share))
        PresentedShare.objects.create(session=session, holder=caller.user, boxed_share=box, at=now)
        share.presented_at = now
        share.save(update_fields=["presented_at"])
        if session.state != S.DECRYPTING:
            _close_sign_in(session, now)
        presented = session.presented_shares.count()
        threshold = share.tender_key.threshold
        events.append(session, "share_presented", {"presented": presented, "threshold": threshold})
        record(caller, "opening.present_share", tender, presented=presented, threshold=threshold)
        if presented >= threshold:
            _decrypt(caller, tender, session, share.tender_key)
        session.save()
    return session


def _close_sign_in(session, now):
    events.append(session, "sign_in_closed", {"signed_in": session.sign_ins.count()})
    move(session, S.DECRYPTING, now)


def _decrypt(caller, tender, session, tender_key):
    box = secret.SecretBox(_share_box_key(session))
    shares = [json.loads(box.decrypt(bytes(p.boxed_share))) for p in session.presented_shares.all()]
    try:
        private_key = sealing.rebuild_private_key(shares, bytes(tender_key.public_key))
    except sealing.SealingError:
        raise ValidationError({"passphrase": _("The presented shares do not rebuild the tender key.")}) from None
    session.presented_shares.all().delete()
    # Nothing is decrypted before every stored ciphertext has been checked against its receipt and the log.
    _set_aside_mismatched(tender, session)
    opened = open_bids(tender, private_key, caller)
    for bid in (Bid.objects.filter(tender=tender, status__in=(BidStatus.WITHDRAWN_AT_OPENING, BidStatus.LAPSED,
                                                             BidStatus.INVALID))
                .select_related("bidder", "lot").order_by("lot__number", "received_at", "id")):
        _classify_failure(bid, private_key)
        events.append(session, "bid_rejected", {"bidder": bid.bidder.name, "bidder_id": bid.bidder_id,
                                                "status": bid.status, "status_label": str(bid.get_status_display()),
                                                "reason": bid.opening_note, **lot_fields(bid)})
    for bid in opened:
        events.append(session, "bid_decrypted", {"bidder": bid.bidder.name, "bidder_id": bid.bidder_id,
                                                 "order": bid.announce_order, **lot_fields(bid)})
    # Published with the record, so anyone can re-check the ciphertexts against the announced bids.
    tender_key.revealed_private_key = private_key
    tender_key.save(update_fields=["revealed_private_key"])
    events.append(session, "decryption_complete", {"opened": len(opened), "rejected": Bid.objects.filter(
        tender=tender, status__in=REJECTED_STATUSES).count()})
    move(session, S.ANNOUNCING, clock.now())
    record(caller, "opening.decrypt", tender, opened=len(opened))


def _set_aside_mismatched(tender, session):
    """Every bid about to be opened whose stored ciphertext or attachments are not the ones its signed receipt and
    the audit log of its submission name becomes invalid, undecrypted, with the reasons; each raises a supervisor
    alarm. Returns the bids set aside."""
    trusted = platform_key.public_key()
    set_aside = []
    for bid in (Bid.objects.select_for_update(of=("self",)).filter(tender=tender, status=BidStatus.ACTIVE)
                .select_related("bidder", "lot").order_by("lot__number", "received_at", "id")):
        reasons = integrity.problems(bid, tender, trusted)
        if not reasons:
            continue
        reason = " ".join(str(r) for r in reasons)
        bid.status = BidStatus.INVALID
        bid.opening_note = (_("Not opened: %(reason)s") % {"reason": reason})[:300]
        bid.save(update_fields=["status", "opening_note"])
        events.append(session, "integrity_alarm", {"bidder": bid.bidder.name, "bidder_id": bid.bidder_id,
                                                   "bid_id": bid.pk, "reasons": [str(r) for r in reasons],
                                                   **lot_fields(bid)}, Audience.OFFICIALS)
        # Raised by the platform's own check, like a time-limit alarm, whoever's share completed the key.
        record(Caller.system(), "opening.alarm", tender, cause="sealed_bid_mismatch", step=session.state, bid=bid.pk,
               bidder=bid.bidder.name, reason=reason)
        set_aside.append(bid)
    return set_aside


def _classify_failure(bid, private_key):
    """A ciphertext that opens but holds no valid bid is the bidder's fault (revoked); anything else is withdrawn."""
    if bid.status == BidStatus.INVALID:
        return  # set aside before decryption: never opened, its reason already noted
    if bid.status == BidStatus.LAPSED:
        bid.opening_note = bid.opening_note or _("Not confirmed again after the conditions changed.")
        bid.save(update_fields=["opening_note"])
        return
    try:
        plaintext = sealing.unseal(private_key, bid.sealed_content or b"")
    except sealing.SealingError:
        bid.opening_note = _("The stored ciphertext does not open with the tender key (not the bidder's fault); "
                             "the bid counts as withdrawn.")
        bid.save(update_fields=["opening_note"])
        return
    try:
        bid_content.check_opened(plaintext)  # the bid form's field checks, again: say which field fails
        reason = _("its fields")
    except ValidationError as exc:
        reason = " ".join(exc.messages)
    bid.status = BidStatus.REVOKED
    bid.opening_note = (_("The bid decrypts but its content is not a valid bid (the bidder's fault): %(reason)s. "
                          "The bid counts as revoked.") % {"reason": reason})[:300]
    bid.save(update_fields=["status", "opening_note"])


def announce_next(caller, tender_id, position=None):
    """唱标: announce the next opened bid; after the last one, the ceiling price, which opens the confirmation."""
    with _acting(caller, tender_id, "announce_next") as (tender, session, _host):
        # The opening numbered the bids lot by lot, so they are announced grouped by lot.
        opened = list(Bid.objects.filter(tender=tender, status=BidStatus.OPENED).select_related("bidder", "lot")
                      .order_by("announce_order", "id"))
        announced = session.announced_count
        expected = announced + 1
        if position not in (None, "") and position != expected:
            raise ValidationError({"position": _("Out of order: the next announcement is number %(n)d.")
                                   % {"n": expected}})
        now = clock.now()
        if announced < len(opened):
            bid = opened[announced]
            session.announced_count = expected
            events.append(session, "bid_announced", {
                "order": expected, "bidder": bid.bidder.name, "bidder_id": bid.bidder_id, "price": str(bid.price),
                "duration_days": bid.duration_days, "quality": bid.quality, "project_manager": bid.project_manager,
                "security_reference": bid.security_reference, "ciphertext_sha256": bid.content_digest,
                **lot_fields(bid), **marks.announced(tender, bid)})
            record(caller, "opening.announce", tender, order=expected, bidder=bid.bidder.name,
                   **({"lot": bid.lot.number} if bid.lot_id else {}))
            session.step_deadline = deadline(session, now)  # each announcement has its own time limit
        else:
            session.announced_count = expected
            session.ceiling_announced = True
            move(session, S.CONFIRMING, now)
            session.confirmation_ends_at = now + timedelta(minutes=session.confirmation_minutes)
            payload = {"order": expected, "ceiling_price": str(tender.ceiling_price),
                       "confirm_until": session.confirmation_ends_at.isoformat()}
            lots = list(Lot.objects.filter(tender=tender).order_by("number"))
            if lots:
                # Each lot's bids are held to that lot's ceiling: every lot's is announced.
                payload["lots"] = [{"lot": lot.number, "lot_title": lot.title, "ceiling_price": str(lot.ceiling_price),
                                    "failed": lot.failed} for lot in lots]
            events.append(session, "ceiling_announced", payload)
            record(caller, "opening.announce_ceiling", tender, ceiling_price=tender.ceiling_price,
                   **({"lots": {str(lot.number): str(lot.ceiling_price) for lot in lots}} if lots else {}))
        session.save()
    return session


def _require_window(session):
    if session.confirmation_ends_at and clock.now() > session.confirmation_ends_at:
        raise ValidationError({"step": _("The confirmation window has closed.")})


def confirm(caller, tender_id):
    with _acting(caller, tender_id, "confirm") as (tender, session, (bid, sign_in)):
        _require_window(session)
        if sign_in.confirmed_at:
            raise ValidationError({"step": _("Your organisation has already confirmed the opening.")})
        sign_in.confirmed_at = clock.now()
        sign_in.save(update_fields=["confirmed_at"])
        events.append(session, "bidder_confirmed", {"bidder": bid.bidder.name, "bidder_id": bid.bidder_id})
        record(caller, "opening.confirm", tender, bidder=bid.bidder.name)
    return session


def raise_objection(caller, tender_id, text):
    text = _text("text", text)
    with _acting(caller, tender_id, "object") as (tender, session, (bid, _sign_in)):
        _require_window(session)
        objection = Objection.objects.create(session=session, bidder_id=bid.bidder_id, raised_by=caller.user,
                                             text=text, raised_at=clock.now())
        events.append(session, "objection_raised", {"objection": objection.pk, "bidder": bid.bidder.name,
                                                    "bidder_id": bid.bidder_id, "text": text}, Audience.PARTICIPANTS)
        record(caller, "opening.object", objection, tender=tender.reference)
    return objection


def answer_objection(caller, tender_id, objection_id, answer):
    answer = _text("answer", answer)
    with _acting(caller, tender_id, "answer") as (tender, session, host):
        objection = Objection.objects.select_for_update().filter(
            session=session, pk=objection_id if str(objection_id).isdigit() else None).first()
        if objection is None:
            raise ValidationError({"objection": _("No such objection in this opening.")})
        if objection.answered_at:
            raise ValidationError({"objection": _("This objection has already been answered.")})
        objection.answer, objection.answered_by, objection.answered_at = answer, host, clock.now()
        objection.save(update_fields=["answer", "answered_by", "answered_at"])
        events.append(session, "objection_answered", {"objection": objection.pk, "bidder": objection.bidder.name,
                                                      "answer": answer}, Audience.PARTICIPANTS)
        record(caller, "opening.answer", objection, tender=tender.reference)
    return objection


def close_opening(caller, tender_id):
    """The host closes: every objection answered, and every signed-in bidder responded or the window ended."""
    from .record import publish_record

    with _acting(caller, tender_id, "close") as (tender, session, _host):
        if session.objections.filter(answered_at__isnull=True).exists():
            raise ValidationError({"step": _("Answer every objection before closing.")})
        now = clock.now()
        responded = set(session.objections.values_list("bidder_id", flat=True))
        waiting = [s for s in session.sign_ins.filter(confirmed_at__isnull=True) if s.bidder_id not in responded]
        if waiting and now <= session.confirmation_ends_at:
            raise ValidationError({"step": _("Bidders may still confirm or object until %(until)s.")
                                   % {"until": session.confirmation_ends_at.isoformat(timespec="seconds")}})
        move(session, S.CLOSED, now)
        opening_record = publish_record(session, tender)
        events.append(session, "opening_closed", {"record_signature": opening_record.signature,
                                                  "deemed_confirmed": [s.bidder.name for s in waiting]})
        session.save()
        move_tender(caller, tender, TenderStatus.EVALUATION, _("Opening closed; record published."))
        record(caller, "opening.close", tender, record=opening_record.pk)
    return session


def _fail(caller, tender, session, reason):
    from .record import publish_record

    move(session, S.FAILED, clock.now())
    session.failure_reason = reason
    opening_record = publish_record(session, tender)
    events.append(session, "opening_failed", {"reason": reason, "record_signature": opening_record.signature})
    session.save()
    move_tender(caller, tender, TenderStatus.FAILED, reason[:500])
    record(caller, "opening.fail", tender, reason=reason)


# --- pause and resume --------------------------------------------------------------

def pause(caller, tender_id, reason):
    reason = _text("reason", reason)[:500]
    with _acting(caller, tender_id, "pause") as (tender, session, by):
        if session.finished:
            raise ValidationError({"step": _("The opening has ended.")})
        if session.paused:
            raise ValidationError({"step": _("The opening is already paused.")})
        session.paused, session.pause_reason, session.paused_by, session.paused_at = True, reason, caller.user, \
            clock.now()
        events.append(session, "paused", {"by": by, "reason": reason})
        session.save()
        record(caller, "opening.pause", tender, by=by, reason=reason)
    return session


def resume(caller, tender_id, reason):
    reason = _text("reason", reason)[:500]
    with _acting(caller, tender_id, "resume") as (tender, session, by):
        if not session.paused:
            raise ValidationError({"step": _("The opening is not paused.")})
        if session.paused_by and session.paused_by.role == Role.SUPERVISOR and by != "supervisor":
            raise PermissionDenied(_("A supervisor paused this opening; only a supervisor may resume it."))
        now = clock.now()
        # The clock of the step stood still while paused.
        stood = now - session.paused_at
        if session.step_deadline:
            session.step_deadline += stood
        if session.confirmation_ends_at:
            session.confirmation_ends_at += stood
        session.paused, session.paused_at = False, None
        events.append(session, "resumed", {"by": by, "reason": reason, "paused_seconds": int(stood.total_seconds())})
        session.save()
        record(caller, "opening.resume", tender, by=by, reason=reason)
    return session


# --- commands from the websocket ----------------------------------------------------

COMMANDS = {
    "open_room": (open_room, ()),
    "sign_in": (sign_in, ()),
    "present_share": (present_share, ("passphrase",)),
    "announce_next": (announce_next, ("position",)),
    "confirm": (confirm, ()),
    "object": (raise_objection, ("text",)),
    "answer": (answer_objection, (("objection", "objection_id"), "answer")),
    "pause": (pause, ("reason",)),
    "resume": (resume, ("reason",)),
    "close": (close_opening, ()),
}


def run_command(caller, tender_id, command_id, command_type, args):
    """Run one client command once: a replayed command id gets its original result and changes nothing."""
    if not caller.user.is_authenticated:
        raise PermissionDenied(_("Log in to take part in the opening."))
    service, names = COMMANDS[command_type]
    with transaction.atomic():
        _tender, session = _lock(tender_id)
        previous = OpeningCommand.objects.filter(session=session, user=caller.user, command_id=command_id).first()
    if previous:
        if previous.command_type != command_type:
            raise ValidationError({"id": _("This command id was already used for another command.")})
        return {**previous.result, "replayed": True}
    kwargs = {}
    for name in names:
        arg, parameter = name if isinstance(name, tuple) else (name, name)
        kwargs[parameter] = args.get(arg)
    try:
        with transaction.atomic():
            service(caller, tender_id, **kwargs)
            result = {"ok": True, "command": command_type}
            OpeningCommand.objects.create(session=session, user=caller.user, command_id=command_id,
                                          command_type=command_type, result=result, at=clock.now())
    except IntegrityError:
        previous = OpeningCommand.objects.get(session=session, user=caller.user, command_id=command_id)
        return {**previous.result, "replayed": True}
    return result
