"""Translated names of the opening's events and steps, handed to the page's script."""
from django.utils.translation import gettext as _

from trading.bids.opening.labels import EVENT_KINDS
from trading.bids.opening.models import OpeningState


def event_labels():
    return {
        **{kind: str(label) for kind, label in EVENT_KINDS.items()},
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
        "_lot": _("Lot"),
        "_bids": _("bid(s)"),
    }


def state_labels():
    return {value: str(label) for value, label in OpeningState.choices}
