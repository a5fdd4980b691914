"""Words for the codes an opening stores (event kinds, outcomes, bid statuses), for pages and the PDF record.

The signed record keeps the codes; these turn them into the reader's language.
"""
from django.utils.translation import gettext_lazy as _

from trading.bids.models import BidStatus

from . import marks
from .models import OpeningState

EVENT_KINDS = {
    "room_opened": _("The host opened the opening hall"),
    "signed_in": _("Signed in"),
    "sign_in_closed": _("Sign-in closed"),
    "share_presented": _("Key share presented"),
    "bid_decrypted": _("Bid decrypted"),
    "bid_rejected": _("Bid could not be opened"),
    "decryption_complete": _("Decryption complete"),
    "bid_announced": _("Bid announced"),
    "ceiling_announced": _("Ceiling price announced"),
    "bidder_confirmed": _("Bidder confirmed"),
    "objection_raised": _("Objection raised"),
    "objection_answered": _("Objection answered"),
    "paused": _("Paused"),
    "resumed": _("Resumed"),
    "alarm": _("ALARM: time limit overrun"),
    "integrity_alarm": _("ALARM: a stored sealed bid is not the one its receipt names; it is not opened"),
    "opening_closed": _("Opening closed; record published"),
    "opening_failed": _("Procedure failed"),
    "lot_failed": _("Lot failed: too few bids"),
}

AUDIT_LABELS = {
    "opening.lot_failed": _("Lot failed at the opening (too few bids)"),
}


def choice_label(choices, code):
    try:
        return str(choices(code).label)
    except ValueError:
        return code  # a code from a later version of the record format: show it as it is


def lot_label(row):
    """'Lot 2: Street lighting' for a record or event row that names a lot ("lot", "lot_title"); '' without one."""
    if row.get("lot") is None:
        return ""
    return str(_("Lot %(number)s: %(title)s") % {"number": row["lot"], "title": row.get("lot_title", "")})


def readable_record(body):
    """A copy of a record body with a label beside every stored code."""
    return {
        **body,
        "outcome_label": choice_label(OpeningState, body.get("outcome")),
        "bids": [marks.shown({**bid, "status_label": choice_label(BidStatus, bid.get("status")),
                              "lot_label": lot_label(bid)}, bid.get("marks"))
                 for bid in body.get("bids", [])],
        "lots": [{**lot, "label": lot_label(lot)} for lot in body.get("lots", [])],
        "steps": [{**step, "label": str(EVENT_KINDS.get(step.get("kind"), step.get("kind")))}
                  for step in body.get("steps", [])],
    }
