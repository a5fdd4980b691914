"""Complaints to the supervising department: filing within the window with evidence, acceptance, suspension,
decision and its remedies, checkpoints, credit record, statistics. Each refusal says why and writes nothing."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from trading.audit.models import AuditEntry
from trading.award.models import Award, CandidateNotice
from trading.complaints import selectors, services
from trading.complaints.models import Complaint, ComplaintStatus, Evidence
from trading.credit.models import CreditEntry
from trading.evaluation.models import Report
from trading.tenders import clock, holds
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, TenderStatus

from .builders import awarded, call, complain, evidence, noticed, supervisor

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def errors_of(action):
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value.message_dict


# --- filing ---------------------------------------------------------------------------------

def test_a_bidder_files_a_complaint_with_evidence_and_the_acceptance_is_due_in_three_working_days():
    a = noticed()
    # Friday 10:00 local: three working days end on Wednesday 10:00, not on Monday.
    friday = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))).replace(
        hour=10, minute=0, second=0, microsecond=0)
    friday += dt.timedelta(days=(4 - friday.weekday()) % 7)
    with clock.frozen_at(friday):
        made = complain(a, against=a.bidders[0].organisation.pk, files=[evidence()])
    assert made.status == ComplaintStatus.FILED
    assert made.acceptance_due - made.filed_at == 5 * DAY
    assert made.evidence.get().sha256 and made.evidence.get().file.read().startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action="complaints.file_complaint").get()
    assert entry.summary["evidence"] == [made.evidence.get().sha256]


def test_a_late_complaint_is_refused_with_the_window_and_nothing_is_written():
    a = noticed()
    known = clock.now() - 11 * DAY
    errors = errors_of(lambda: complain(a, known_at=known, files=[evidence()]))
    assert "within 10 days of knowing" in errors["known_at"][0]
    # ... and one known 9 days ago is in time (the tender was published long enough ago).
    assert a.tender.published_at < clock.now() - 9 * DAY
    complain(a, known_at=clock.now() - 9 * DAY)
    assert Complaint.objects.count() == 1 and Evidence.objects.count() == 1 - 1
    assert AuditEntry.objects.filter(action="complaints.file_complaint").count() == 1


@pytest.mark.parametrize("change, field, message", [
    ({"subject": "weather"}, "subject", "Choose what the complaint is about"),
    ({"text": "  "}, "text", "required"),
    ({"known_at": "yesterday"}, "known_at", "Enter a date and time"),
    ({"known_at": "2999-01-01T10:00"}, "known_at", "in the future"),
    ({"against": "x"}, "against", "Name a firm"),
    ({"files": [evidence("virus.exe", b"MZ\x90\x00")]}, "evidence", "Allowed file types"),
    ({"files": [evidence("fake.pdf", b"not a pdf at all")]}, "evidence", "not a .pdf file"),
])
def test_bad_filings_get_field_errors_and_write_nothing(change, field, message):
    a = noticed()
    args = {"subject": "award", "text": "The winner's manager is elsewhere.", "known_at": clock.now() - DAY,
            "against": None, "files": []}
    args.update(change)
    errors = errors_of(lambda: services.file_complaint(call(a.bidders[1]), a.tender.pk, args["subject"],
                                                       args["text"], args["known_at"], args["against"],
                                                       args["files"]))
    assert message in " ".join(errors[field])
    assert not Complaint.objects.exists() and not Evidence.objects.exists()


def test_only_interested_contractors_complain_and_only_against_a_bidder():
    a = noticed()
    outsider = make_user("contractor")
    errors = errors_of(lambda: services.file_complaint(call(outsider), a.tender.pk, "award", "Unfair.",
                                                       clock.now() - DAY))
    assert "Only the bidders of this tender" in errors["tender"][0]
    errors = errors_of(lambda: complain(a, against=outsider.organisation.pk))
    assert "Only a firm that bid" in errors["against"][0]
    for role in ("entity", "supervisor", "discipline", "expert", "admin", "finance"):
        with pytest.raises(PermissionDenied):
            services.file_complaint(call(make_user(role)), a.tender.pk, "award", "x", clock.now() - DAY)
    assert not Complaint.objects.exists()


# --- acceptance, suspension, decision -----------------------------------------------------------

def test_a_suspension_blocks_the_award_until_the_complaint_is_dismissed():
    a = noticed()
    made = complain(a)
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk, suspend=True, reason="The licence register must be checked.")
    assert "suspended the procedure" in holds.reasons(a.tender, "contract")[0]
    with a.after_notice():
        errors = errors_of(lambda: a.award(a.bids[0]))
        assert f"complaint no. {made.pk}" in errors["tender"][0]
        assert not Award.objects.exists()
        services.decide_complaint(call(sup), made.pk, "dismissed", "The manager's registration is valid.")
        assert holds.reasons(a.tender, "award") == []
        a.award(a.bids[0])
    assert a.tender.status == TenderStatus.AWARDED
    made.refresh_from_db()
    assert made.status == ComplaintStatus.DECIDED and made.released_at == made.decided_at


def test_the_supervisor_suspends_and_lifts_during_review_and_each_step_is_audited():
    a = noticed()
    made = complain(a)
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk)
    assert holds.reasons(a.tender, "award") == []
    services.suspend_procedure(call(sup), made.pk, "Evidence requested from the entity.")
    assert holds.reasons(a.tender, "award")
    assert "already suspended" in errors_of(lambda: services.suspend_procedure(call(sup), made.pk, "again"))[
        "complaint"][0]
    services.release_procedure(call(sup), made.pk)
    assert holds.reasons(a.tender, "award") == []
    assert list(AuditEntry.objects.filter(action__startswith="complaints.").values_list("action", flat=True)) == [
        "complaints.file_complaint", "complaints.accept", "complaints.suspend", "complaints.release"]


def test_only_a_supervisor_handles_and_a_complaint_is_accepted_or_refused_once():
    a = noticed()
    made = complain(a)
    for role in ("contractor", "entity", "discipline", "expert", "admin", "finance"):
        with pytest.raises(PermissionDenied):
            services.accept_complaint(call(make_user(role)), made.pk)
    sup = supervisor()
    assert "reason" in errors_of(lambda: services.refuse_complaint(call(sup), made.pk, ""))
    services.refuse_complaint(call(sup), made.pk, "The matter was already decided in complaint no. 1.")
    assert "already refused" in errors_of(lambda: services.accept_complaint(call(sup), made.pk))["complaint"][0]
    assert "Only an accepted complaint" in errors_of(
        lambda: services.decide_complaint(call(sup), made.pk, "dismissed", "x"))["complaint"][0]
    assert selectors.decision_notice(made.pk).refusal_reason.startswith("The matter")


def test_upheld_with_the_award_cancelled_the_winner_is_revoked_and_goes_on_its_credit_record():
    a = awarded()
    winner = a.bidders[0].organisation
    made = complain(a, against=winner.pk)
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk, suspend=True, reason="Review.")
    assert "remedy" in errors_of(lambda: services.decide_complaint(call(sup), made.pk, "upheld", "Forged."))
    services.decide_complaint(call(sup), made.pk, "upheld", "The licence was forged.", "cancel_award")
    award = Award.objects.get()
    assert award.revoked and "Complaint no." in award.revoked_reason
    assert a.tender.status == TenderStatus.CANDIDATES and a.tender.winner is None
    entry = CreditEntry.objects.get(organisation=winner)
    assert entry.kind == "complaint_upheld" and entry.source == f"complaints.Complaint:{made.pk}"
    # The next candidate may be awarded, the revoked one not again.
    with a.after_notice():
        a.award(a.bids[2], pass_over="disqualified", reason="Complaint no. %d upheld." % made.pk)
    assert a.tender.status == TenderStatus.AWARDED


def test_upheld_with_a_re_evaluation_the_award_and_notice_go_and_the_report_is_superseded():
    a = awarded()
    made = complain(a, subject="evaluation")
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk)
    services.decide_complaint(call(sup), made.pk, "upheld", "Scores of bid 2 were miscounted.", "re_evaluation")
    assert a.tender.status == TenderStatus.EVALUATION
    assert Report.objects.get(tender=a.tender).superseded_at is not None
    assert not CandidateNotice.objects.filter(tender=a.tender, withdrawn_at__isnull=True).exists()
    assert not Award.objects.filter(revoked_at__isnull=True).exists()
    assert not CreditEntry.objects.exists()  # against no firm


def test_upheld_with_a_re_tender_the_procedure_fails():
    a = noticed()
    made = complain(a)
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk)
    services.decide_complaint(call(sup), made.pk, "upheld", "The ceiling was changed after the opening.",
                              "re_tender")
    assert a.tender.status == TenderStatus.FAILED


def test_a_remedy_that_does_not_fit_the_tender_is_refused_and_nothing_changes():
    a = noticed()
    made = complain(a)
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk)
    errors = errors_of(lambda: services.decide_complaint(call(sup), made.pk, "upheld", "x", "cancel_award"))
    assert "no award to cancel" in errors["remedy"][0]
    errors = errors_of(lambda: services.decide_complaint(call(sup), made.pk, "dismissed", "x", "re_tender"))
    assert "leave the remedy empty" in errors["remedy"][0]
    made.refresh_from_db()
    assert made.status == ComplaintStatus.ACCEPTED and a.tender.status == TenderStatus.CANDIDATES
    services.decide_complaint(call(sup), made.pk, "upheld", "Noted for the record.", "finding")
    assert "Only an accepted complaint" in errors_of(
        lambda: services.decide_complaint(call(sup), made.pk, "dismissed", "again"))["complaint"][0]


# --- checkpoints, notices, statistics -------------------------------------------------------

def test_late_acceptance_and_late_decision_turn_red_and_keep_the_mark():
    a = noticed()
    made = complain(a)
    refresh_checkpoints(a.tender)
    assert Checkpoint.objects.get(tender=a.tender, code="complaint_acceptance").state == "yellow"
    with clock.shifted(6 * DAY):  # three working days are at most five calendar days
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="complaint_acceptance").state == "red"
        services.accept_complaint(call(supervisor()), made.pk)
    mark = Checkpoint.objects.get(tender=a.tender, code="complaint_acceptance")
    assert mark.state == "green" and mark.was_red
    decision = Checkpoint.objects.get(tender=a.tender, code="complaint_decision")
    assert decision.state == "yellow"
    with clock.shifted(50 * DAY):  # thirty working days are six weeks
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="complaint_decision").state == "red"


def test_the_decision_notice_is_public_only_once_decided_and_the_statistics_count_it():
    a = noticed()
    first, second = complain(a), complain(a, bidder_index=2)
    sup = supervisor()
    with pytest.raises(Exception):
        selectors.decision_notice(first.pk)
    services.accept_complaint(call(sup), first.pk)
    services.accept_complaint(call(sup), second.pk)
    with clock.shifted(2 * DAY):
        services.decide_complaint(call(sup), first.pk, "upheld", "Noted.", "finding")
    with clock.shifted(4 * DAY):
        services.decide_complaint(call(sup), second.pk, "dismissed", "No ground.")
    assert selectors.decision_notice(first.pk).ruling == "Noted."
    stats = selectors.statistics()
    assert (stats["filed"], stats["decided"], stats["upheld"], stats["upheld_percent"]) == (2, 2, 1, 50.0)
    assert stats["median_days_to_decision"] == 3.0


def test_a_suspension_blocks_the_contract_until_it_is_lifted():
    from tests.contracts.builders import awarded as contracted_soon

    c = contracted_soon()
    made = services.file_complaint(call(c.bidders[1]), c.tender.pk, "award", "The award ignored our lower bid.",
                                   clock.now() - dt.timedelta(hours=1))
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk, suspend=True, reason="The ranking is checked.")
    errors = errors_of(lambda: c.conclude())
    assert f"complaint no. {made.pk}" in errors["tender"][0]
    services.release_procedure(call(sup), made.pk)
    assert c.conclude().award == c.award


def test_no_remedy_undoes_an_award_whose_contract_is_concluded():
    from tests.contracts.builders import awarded as contracted_soon

    c = contracted_soon()
    c.conclude()
    made = services.file_complaint(call(c.bidders[1]), c.tender.pk, "award", "The award ignored our lower bid.",
                                   clock.now() - dt.timedelta(hours=1))
    sup = supervisor()
    services.accept_complaint(call(sup), made.pk)
    for remedy in ("cancel_award", "re_tender"):
        errors = errors_of(lambda: services.decide_complaint(call(sup), made.pk, "upheld", "Wrong.", remedy))
        assert "contract is concluded" in errors["remedy"][0]
    assert not Award.objects.get(pk=c.award.pk).revoked
    services.decide_complaint(call(sup), made.pk, "upheld", "Wrong; the entity must act on the contract.", "finding")
