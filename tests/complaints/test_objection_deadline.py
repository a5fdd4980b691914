"""An objection to the documents suspends the procedure: filed so close to the deadline that its answer is due at
or after it, the deadline moves at once (audited by the platform, naming no objector); answered late, after a
deadline it held, the answer is still taken and bidding opens again for the time the bidders had left."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.bids.builders import submit
from trading.audit.models import AuditEntry
from trading.complaints import services
from trading.tenders import clock

from .builders import bidding, call

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def with_periods(b, **periods):
    """The tender's stored policy with other periods: an answer period longer than the cut-off, as the training
    procedure has (objections up to 5 minutes before the deadline, answers within 10)."""
    b.tender.policy["periods"].update(periods)
    b.tender.save(update_fields=["policy"])
    return b


def test_an_objection_whose_answer_is_due_after_the_deadline_moves_the_deadline_at_once():
    b = with_periods(bidding(deadline_days=30), document_objection_cutoff=2, objection_answer=3)
    before = b.refresh().deadline
    with clock.shifted(28 * DAY - dt.timedelta(hours=12)):  # 2.5 days before the deadline
        objection = b.object()
        after = b.refresh().deadline
        # past the answer's due time by the 2.5 days the bidders had left
        assert objection.answer_due < after and after - objection.answer_due >= 2 * DAY + dt.timedelta(hours=12)
        assert after - (objection.answer_due + (before - clock.now())) < dt.timedelta(minutes=1)
    moved = AuditEntry.objects.get(action="complaints.deadline_moved")
    assert moved.actor is None and b.reader.organisation.name not in str(moved.summary)
    assert moved.summary["deadline_before"] == before.isoformat() and moved.summary["deadline_after"] == after.isoformat()

    # A bid still comes in after the old deadline, and the answer in time moves nothing further.
    with clock.frozen_at(before + dt.timedelta(hours=1)):
        assert submit(b.reader, b.tender).bid.pk
        services.answer_document_objection(call(b.entity), objection.pk, "The licence is common.", False)
    assert b.refresh().deadline == after


def test_an_objection_answered_in_good_time_leaves_the_deadline_until_the_answer():
    b = bidding(deadline_days=30)
    before = b.refresh().deadline
    with clock.shifted(19 * DAY):
        b.object()
    assert b.refresh().deadline == before and not AuditEntry.objects.filter(action="complaints.deadline_moved")


def test_an_answer_after_the_deadline_the_objection_held_is_taken_and_bidding_opens_again():
    b = with_periods(bidding(deadline_days=30), document_objection_cutoff=2, objection_answer=3)
    with clock.shifted(28 * DAY - dt.timedelta(hours=12)):
        objection = b.object()
    late = b.refresh().deadline + DAY  # the entity let the moved deadline pass too
    with clock.frozen_at(late):
        with pytest.raises(ValidationError):
            submit(b.reader, b.tender)  # the deadline has passed: no bid
        services.answer_document_objection(call(b.entity), objection.pk, "Clause 7 stays.", False)
        reopened = b.refresh().deadline
        assert reopened > late and reopened - late >= dt.timedelta(days=2, hours=12)
        assert submit(b.reader, b.tender).bid.pk  # bidding is open again
    assert AuditEntry.objects.filter(action="complaints.deadline_moved").count() == 2
    answered = AuditEntry.objects.get(action="complaints.answer_objection")
    assert answered.summary["late"] is True
