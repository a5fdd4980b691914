"""A debarred firm cannot bid nor be awarded while the decision runs; only supervisors enter and lift it."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.award.builders import reported
from tests.bids.builders import submit
from tests.factories import make_organisation, make_user
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.award.models import Award
from trading.bids.models import Bid, Receipt
from trading.credit import services
from trading.credit.models import CreditEntry, Debarment
from trading.credit.selectors import active_debarment
from trading.tenders import clock, rules

from .builders import debar

pytestmark = pytest.mark.django_db


def test_a_debarred_firm_is_refused_at_submission_with_the_decision_and_its_end(tender, contractor):
    debarment = debar(contractor.organisation)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        submit(contractor, tender)
    message = refused.value.message_dict["tender"][0]
    assert "Housing Bureau decision 2026-17" in message and rules.when(debarment.ends_at) in message
    assert not Bid.objects.exists() and not Receipt.objects.exists()
    assert AuditEntry.objects.count() == entries  # nothing was written, not even a log line


def test_the_check_runs_in_the_submitting_transaction_at_the_moment_of_submission(tender, contractor):
    """Debarred later, lifted, or ended: what counts is the decision in force when the bid arrives."""
    later = debar(contractor.organisation, starts=dt.timedelta(days=2), lasts=dt.timedelta(days=3))
    assert submit(contractor, tender).created  # not yet in force
    with clock.frozen_at(later.starts_at + dt.timedelta(hours=1)):
        with pytest.raises(ValidationError):
            submit(contractor, tender, price="990000.00")
    with clock.frozen_at(later.ends_at):
        assert submit(contractor, tender, price="980000.00").created  # the last moment of it is over
    now_debarred = debar(contractor.organisation)
    with pytest.raises(ValidationError):
        submit(contractor, tender, price="970000.00")
    services.lift_debarment(Caller(user=make_user("supervisor")), now_debarred.pk, "Revoked on administrative review.")
    assert submit(contractor, tender, price="960000.00").created


def test_a_debarred_candidate_is_not_awarded_and_the_next_one_may_be():
    a = reported()
    a.publish()
    first = a.bids[0]  # the lowest price: ranked first
    debarment = debar(first.bidder)
    with a.after_notice():
        with pytest.raises(ValidationError) as refused:
            a.award(first)
        assert debarment.decision in refused.value.message_dict["bid"][0]
        assert not Award.objects.exists()
        assert a.award(a.bids[2], pass_over="disqualified", reason="Debarred by the Housing Bureau.").winner_id \
            == a.bids[2].bidder_id


@pytest.mark.parametrize("role", ["contractor", "entity", "discipline", "expert", "admin", "finance"])
def test_only_supervisors_debar_penalise_or_lift(role, contractor):
    firm = contractor.organisation
    debarment = debar(firm)
    caller = Caller(user=make_user(role))
    now = clock.now()
    with pytest.raises(PermissionDenied):
        services.record_debarment(caller, firm.pk, decision="D-1", reason="r", starts_at=now,
                                  ends_at=now + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.lift_debarment(caller, debarment.pk, "because")
    with pytest.raises(PermissionDenied):
        services.record_penalty(caller, firm.pk, decision="P-1", summary="Fine of 10 000")
    assert Debarment.objects.count() == 1 and active_debarment(firm) == debarment


def test_bad_input_is_answered_per_field_and_writes_nothing(supervisor, contractor):
    caller, firm, now = Caller(user=supervisor), contractor.organisation, clock.now()
    with pytest.raises(ValidationError) as bad:
        services.record_debarment(caller, firm.pk, decision="", reason="\x00", starts_at="tomorrow",
                                  ends_at=None)
    assert set(bad.value.message_dict) == {"decision", "reason", "starts_at", "ends_at"}
    with pytest.raises(ValidationError) as backwards:
        services.record_debarment(caller, firm.pk, decision="D-2", reason="r", starts_at=now,
                                  ends_at=now - dt.timedelta(days=1))
    assert set(backwards.value.message_dict) == {"ends_at"}
    with pytest.raises(Http404):  # only contractors are debarred
        services.record_debarment(caller, make_organisation("entity").pk, decision="D-3", reason="r",
                                  starts_at=now, ends_at=now + dt.timedelta(days=1))
    with pytest.raises(Http404):
        services.record_debarment(caller, "x' OR 1=1", decision="D-3", reason="r", starts_at=now,
                                  ends_at=now + dt.timedelta(days=1))
    assert not Debarment.objects.exists() and not CreditEntry.objects.exists()


def test_recording_and_lifting_are_audited_and_on_the_record_and_a_lift_happens_once(supervisor, contractor):
    debarment = debar(contractor.organisation, supervisor=supervisor)
    caller = Caller(user=supervisor)
    with pytest.raises(ValidationError) as no_reason:
        services.lift_debarment(caller, debarment.pk, "")
    assert set(no_reason.value.message_dict) == {"lifted_reason"}
    services.lift_debarment(caller, debarment.pk, "Annulled by the court.")
    with pytest.raises(ValidationError):
        services.lift_debarment(caller, debarment.pk, "Again.")
    actions = list(AuditEntry.objects.filter(action__startswith="credit.").values_list("action", flat=True))
    assert actions == ["credit.note", "credit.debar", "credit.lift"]
    entry = CreditEntry.objects.get()
    assert entry.kind == "debarment" and entry.source == f"credit.Debarment:{debarment.pk}"
    assert active_debarment(contractor.organisation) is None
