"""The steps of the opening: which step may follow which, and how long each may last."""
from datetime import timedelta

from .models import FINISHED, OpeningState

S = OpeningState

NEXT = {
    S.WAITING: {S.ROOM_OPEN},
    # Too few bids fail the procedure as the room opens; the sign-in ends with the first key share or its window.
    S.ROOM_OPEN: {S.SIGNING_IN, S.DECRYPTING, S.FAILED},
    S.SIGNING_IN: {S.DECRYPTING},
    S.DECRYPTING: {S.ANNOUNCING},
    S.ANNOUNCING: {S.CONFIRMING},
    S.CONFIRMING: {S.CLOSED},
}

# The session's minute fields that make up each step's time limit; finished steps have none.
LIMIT = {
    S.ROOM_OPEN: ("sign_in_minutes",),
    S.DECRYPTING: ("decryption_minutes",),
    S.ANNOUNCING: ("announce_minutes",),
    # The host's time to close runs on after the bidders' confirmation window.
    S.CONFIRMING: ("confirmation_minutes", "close_minutes"),
}


class IllegalMove(RuntimeError):
    """A service tried a move the table does not allow: a bug, never something a user did."""


def move(session, state, now):
    """Move the session on to `state` and start that step's clock."""
    if state not in NEXT.get(session.state, ()):
        raise IllegalMove(f"The opening cannot go from {session.state} to {state}.")
    session.state = state
    if state == S.SIGNING_IN:
        return  # the first sign-in does not restart the sign-in window the room opened
    session.step_started_at = now
    session.step_deadline = deadline(session, now)
    session.alarmed_step = ""
    if state in FINISHED:
        session.closed_at = now


def deadline(session, now):
    """When the current step overruns if it starts now; None for a step without a time limit."""
    fields = LIMIT.get(session.state)
    return now + timedelta(minutes=sum(getattr(session, field) for field in fields)) if fields else None
