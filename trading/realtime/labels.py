"""Translated names of the opening's events and steps, handed to the page's script."""
from django.utils.translation import gettext as _

from trading.bids.opening.models import OpeningState


def event_labels():
    return {
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
        "opening_closed": _("Opening closed; record published"),
        "opening_failed": _("Procedure failed"),
        # Interface words used by the script.
        "_connected": _("Live"),
        "_reconnecting": _("Reconnecting…"),
        "_refused": _("You may not watch this opening."),
        "_paused": _("Paused"),
        "_done": _("Done"),
        "_until_deadline": _("until the bid deadline"),
        "_deadline_passed": _("The bid deadline has passed."),
        "_step_ends": _("Time limit of this step"),
        "_answer": _("Answer"),
        "_answered": _("Answer"),
        "_by": _("by"),
        "_presented": _("shares presented"),
        "_confirmed": _("confirmed"),
        "_signed_in": _("signed in"),
        "_record": _("Opening record"),
    }


def state_labels():
    return {value: str(label) for value, label in OpeningState.choices}
