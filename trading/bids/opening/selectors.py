"""Reads of the opening for the hall page, the websocket and the record page."""
import base64

from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import allowed
from trading.accounts.roles import Role
from trading.bids.models import Bid, KeyShare
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus

from .events import VISIBLE
from .integrity import attachment_digest
from .models import Objection, OpeningEvent, OpeningRecord, OpeningSession, OpeningState
from .services import BIDDER_STATUSES, is_host


def tender_or_404(tender_id):
    try:
        return Tender.objects.select_related("project__entity").exclude(status=TenderStatus.DRAFT).get(
            pk=int(tender_id))
    except (Tender.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such tender.")) from None


def viewer(user, tender):
    """What the user sees of this opening: a dict with kind official/bidder/public, or None (refused)."""
    if user is not None and user.is_authenticated and user.is_active:
        if is_host(user, tender):
            return {"kind": "official", "role": "host"}
        if user.role in (Role.SUPERVISOR, Role.DISCIPLINE):
            return {"kind": "official", "role": user.role}
        if allowed(user, "opening.respond") and user.organisation_id and Bid.objects.filter(
                tender=tender, bidder_id=user.organisation_id, status__in=BIDDER_STATUSES).exists():
            return {"kind": "bidder", "role": "bidder", "bidder_id": user.organisation_id}
    if tender.is_public:
        return {"kind": "public", "role": "public"}
    return None


def can_see(viewer_info, audience):
    return audience in VISIBLE[viewer_info["kind"]]


def events_after(tender_id, viewer_info, after=0, upto=None):
    rows = OpeningEvent.objects.filter(tender_id=tender_id, seq__gt=after,
                                       audience__in=VISIBLE[viewer_info["kind"]]).order_by("seq")
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    return [e.as_message() for e in rows]


def all_events_between(tender_id, after, upto=None):
    rows = OpeningEvent.objects.filter(tender_id=tender_id, seq__gt=after).order_by("seq")
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    return [e.as_message() for e in rows]


def last_seq(tender_id):
    return OpeningSession.objects.filter(tender_id=tender_id).values_list("last_seq", flat=True).first() or 0


def state(tender, viewer_info, user=None):
    """The opening as the viewer may see it now (without events)."""
    session = OpeningSession.objects.filter(tender=tender).first()
    now = clock.now()
    data = {
        "tender": {"id": tender.pk, "reference": tender.reference, "title": tender.title,
                   "status": tender.status, "deadline": tender.deadline.isoformat() if tender.deadline else None,
                   "min_bids": tender.min_bids, "is_public": tender.is_public,
                   # A tender with lots: bids are announced grouped by lot, each lot held to its own ceiling.
                   "lots": [{"lot": lot.number, "lot_title": lot.title, "failed": lot.failed,
                             "failure_reason": lot.failure_reason} for lot in tender.lots.order_by("number")]},
        "state": session.state if session else OpeningState.WAITING,
        "paused": bool(session and session.paused),
        "pause_reason": session.pause_reason if session and session.paused else "",
        "step_deadline": session.step_deadline.isoformat() if session and session.step_deadline else None,
        "confirmation_ends_at": session.confirmation_ends_at.isoformat() if session and session.confirmation_ends_at
        else None,
        "server_time": now.isoformat(),
        "viewer": viewer_info,
        "has_record": OpeningRecord.objects.filter(tender=tender).exists(),
    }
    if user is not None and user.is_authenticated:
        data["holds_share"] = KeyShare.objects.filter(tender_key__tender=tender, holder=user).exists()
    return data


def objections(tender):
    return Objection.objects.filter(session__tender=tender).select_related("bidder", "answered_by")


def published_record(tender):
    opening_record = OpeningRecord.objects.filter(tender=tender).first()
    if opening_record is None:
        raise Http404(_("The opening record has not been published yet."))
    return opening_record


BUNDLE_FORMAT = "sunlight-opening-bundle/1"


def record_bundle(opening_record):
    """The signed record with the ciphertexts it publishes, for anyone to check with scripts/verify_opening.py.

    {"format", "body", "signature", "platform_public_key", "ciphertexts": {bid id: {"content": base64,
    "attachments": [base64, ...]}}}. The ciphertexts are read as stored now: a later change shows as a digest
    that is not the signed one.
    """
    body = opening_record.body
    published = [row["bid_id"] for row in body.get("bids", []) if row.get("ciphertext_published")]
    ciphertexts = {}
    for bid in Bid.objects.filter(pk__in=published).prefetch_related("attachments"):
        files = []
        for attachment in bid.attachments.all():
            if attachment_digest(attachment) is None:
                files.append(None)  # the file is gone: the verifier says so
                continue
            with attachment.sealed_file.open("rb") as handle:
                files.append(_b64(handle.read()))
        ciphertexts[str(bid.pk)] = {"content": _b64(bytes(bid.sealed_content or b"")), "attachments": files}
    return {"format": BUNDLE_FORMAT, "body": body, "signature": opening_record.signature,
            "platform_public_key": opening_record.platform_public_key, "ciphertexts": ciphertexts}


def _b64(data):
    return base64.b64encode(data).decode("ascii")
