"""The tender lifecycle as one table: which status may follow which.

Only `moves.move_tender` writes a tender's status; everything else asks this table.
"""
from .models import TenderStatus as S

TRANSITIONS = {
    S.DRAFT: {S.PUBLISHED, S.CANCELLED},
    S.PUBLISHED: {S.BIDDING_CLOSED, S.CANCELLED},
    S.BIDDING_CLOSED: {S.OPENING, S.FAILED, S.CANCELLED},
    S.OPENING: {S.EVALUATION, S.FAILED, S.CANCELLED},
    S.EVALUATION: {S.CANDIDATES, S.FAILED, S.CANCELLED},
    # An upheld objection to the candidates sends the tender back to evaluation.
    S.CANDIDATES: {S.AWARDED, S.EVALUATION, S.FAILED, S.CANCELLED},
    # A winner who declines or fails to sign has the award revoked: the next candidate may be awarded.
    S.AWARDED: {S.COMPLETE, S.CANDIDATES},
    S.COMPLETE: set(),
    S.FAILED: set(),
    S.CANCELLED: set(),
}

TERMINAL = {S.COMPLETE, S.FAILED, S.CANCELLED}
# Statuses in which the public may see a tender.
PUBLIC = set(S) - {S.DRAFT}


def can_move(from_status, to_status):
    return to_status in TRANSITIONS.get(from_status, set())


def bidding_over(tender):
    """True once nobody can bid any more: the opening began, or the procedure ended."""
    return tender.opened_at is not None or tender.status in TERMINAL
