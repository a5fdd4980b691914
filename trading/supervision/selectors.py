"""The supervisor's desk: what needs an eye now, read from every room (this app writes nothing)."""
from datetime import timedelta

from trading.award.models import Objection
from trading.bids.opening.models import OpeningEvent
from trading.complaints.models import Complaint, ComplaintStatus
from trading.tenders.models import Checkpoint, CheckpointState, Tender, TenderStatus

UPCOMING = timedelta(days=7)
RECENT = timedelta(days=7)


def openings(now):
    """Openings running now, then those due within a week, soonest first."""
    running = Tender.objects.filter(status__in=[TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING])
    due = Tender.objects.filter(status=TenderStatus.PUBLISHED, deadline__gt=now, deadline__lte=now + UPCOMING)
    return list((running | due).select_related("project__entity").order_by("deadline", "id")[:50])


def red_checkpoints():
    return list(Checkpoint.objects.filter(state=CheckpointState.RED).exclude(
        tender__status__in=[TenderStatus.COMPLETE, TenderStatus.CANCELLED])
        .select_related("tender").order_by("-changed_at", "id")[:50])


def alarms(now):
    return list(OpeningEvent.objects.filter(kind="alarm", at__gte=now - RECENT).select_related("tender")
                .order_by("-at")[:50])


def complaints_waiting():
    return list(Complaint.objects.filter(status__in=[ComplaintStatus.FILED, ComplaintStatus.ACCEPTED])
                .select_related("tender", "complainant").order_by("filed_at", "id")[:50])


def objections_waiting():
    return list(Objection.objects.filter(answered_at__isnull=True).select_related("tender", "bidder")
                .order_by("answer_due", "id")[:50])
