"""The award room's services: candidate notice, objections, award, revocation, re-evaluation and re-tender."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.award.builders import reported
from tests.factories import make_user
from tests.files import pdf
from trading.award import notices, selectors, services
from trading.award.models import Award, CandidateNotice, Objection, ObjectionAttachment
from trading.bids.models import Bid
from trading.evaluation import selectors as evaluation
from trading.evaluation.models import Report
from trading.tenders import clock
from trading.tenders import services as tender_services
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, Tender, TenderStatus
from trading.tenders.selectors import tender_policy

pytestmark = pytest.mark.django_db


def fields(exc_info):
    return set(exc_info.value.message_dict)


# --- the candidate notice -----------------------------------------------------------------

def test_the_notice_publishes_the_top_three_the_rejected_with_reasons_and_the_committee():
    a = reported(reject=[3])
    notice = a.publish()
    assert a.tender.status == TenderStatus.CANDIDATES
    part = notice.body["lots"][0]
    assert [(c["rank"], c["price"]) for c in part["candidates"]] == [
        (1, "980000.00"), (2, "995500.00"), (3, "1010000.50")]
    assert part["rejected"][0]["bid_id"] == a.bids[3].pk
    assert part["rejected"][0]["reasons"] == ["Bill of quantities incomplete."] * 5
    assert len(notice.body["committee"]) == 5 and all(m["name"] for m in notice.body["committee"])
    assert notice.closes_at - notice.published_at == tender_policy(a.tender).delta("candidate_notice")
    assert notices.verify(notice.body, notice.signature, notice.platform_public_key)
    assert not notices.verify({**notice.body, "closes_at": "2099-01-01"}, notice.signature,
                              notice.platform_public_key)


def test_only_the_own_entity_publishes_and_only_from_a_signed_report():
    a = reported()
    other_entity = make_user("entity")
    with pytest.raises(PermissionDenied):
        services.publish_candidate_notice(a.call(other_entity), a.tender.pk)
    with pytest.raises(PermissionDenied):
        services.publish_candidate_notice(a.call(a.bidders[0]), a.tender.pk)
    a.publish()
    with pytest.raises(ValidationError) as twice:
        a.publish()
    assert "tender" in fields(twice)
    assert CandidateNotice.objects.filter(tender=a.tender).count() == 1


def test_a_bare_status_move_cannot_skip_the_notice_or_the_award():
    a = reported()
    for status in (TenderStatus.CANDIDATES, TenderStatus.AWARDED, TenderStatus.FAILED):
        with pytest.raises(ValidationError):
            tender_services.transition(a.call(a.entity), a.tender, status)
    assert a.tender.status == TenderStatus.EVALUATION


# --- objections -----------------------------------------------------------------------------

def test_a_bidder_objects_with_evidence_during_the_notice_and_the_award_waits_for_the_answer():
    a = reported()
    a.publish()
    evidence = SimpleUploadedFile("licence.pdf", pdf("licence register extract"))
    objection = a.object(attachments=[evidence])
    assert objection.answer_due - objection.filed_at == tender_policy(a.tender).delta("objection_answer")
    assert objection.attachments.get().filename == "licence.pdf"
    with a.after_notice():
        with pytest.raises(ValidationError) as blocked:
            a.award(a.bids[0])
        assert "awaits its answer" in str(blocked.value)
        a.answer(objection)
        made = a.award(a.bids[0])
    assert made.rank == 1 and a.tender.status == TenderStatus.AWARDED


def test_objections_are_refused_to_non_bidders_bad_files_and_after_the_notice():
    a = reported()
    a.publish()
    outsider = make_user("contractor")
    with pytest.raises(PermissionDenied):
        services.file_objection(a.call(outsider), a.tender.pk, "I did not bid but object.")
    with pytest.raises(ValidationError) as bad_file:
        a.object(attachments=[SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 an executable")])
    assert "attachments" in fields(bad_file)
    with pytest.raises(ValidationError) as empty:
        a.object(text="   ")
    assert "text" in fields(empty)
    with a.after_notice():
        with pytest.raises(ValidationError) as late:
            a.object()
    assert "too late" in str(late.value)
    assert not Objection.objects.exists() and not ObjectionAttachment.objects.exists()


def test_an_objection_is_answered_once_and_the_answer_needs_a_decision_and_a_fitting_remedy():
    a = reported()
    a.publish()
    objection = a.object()
    with pytest.raises(ValidationError) as no_remedy:
        a.answer(objection, decision="upheld")
    assert "remedy" in fields(no_remedy)
    with pytest.raises(ValidationError) as remedy_on_dismissal:
        a.answer(objection, decision="dismissed", remedy="re_tender")
    assert "remedy" in fields(remedy_on_dismissal)
    with pytest.raises(PermissionDenied):
        services.answer_objection(a.call(make_user("entity")), objection.pk, "Not mine to answer.", "dismissed")
    a.answer(objection)
    with pytest.raises(ValidationError) as twice:
        a.answer(objection, decision="upheld", remedy="re_tender")
    assert "answer" in fields(twice)
    objection.refresh_from_db()
    assert objection.decision == "dismissed"


def test_an_upheld_objection_sends_the_committee_back_and_a_new_round_replaces_the_report():
    a = reported()
    first_notice = a.publish()
    objection = a.object()
    a.answer(objection, decision="upheld", remedy="re_evaluation")
    first_notice.refresh_from_db()
    assert first_notice.withdrawn and a.tender.status == TenderStatus.EVALUATION
    old = Report.objects.get(tender=a.tender, round=1)
    assert old.superseded and evaluation.signed_report(a.tender) is None
    # the same committee signs new sheets: this time the first bid is rejected
    a.e.sign_all(reject=[a.bids[0]])
    new = evaluation.signed_report(a.tender)
    assert new.round == 2 and a.bids[0].pk not in new.body["lots"][0]["candidates"]
    assert Bid.objects.get(pk=a.bids[0].pk).disqualified
    second = a.publish()
    assert second.report == new and selectors.live_notice(a.tender) == second
    with a.after_notice():
        made = a.award(a.bids[2])  # 995,500.00 now ranks first
    assert made.rank == 1 and made.amount == Decimal("995500.00")


def test_an_upheld_objection_with_a_re_tender_fails_the_procedure_and_the_new_tender_links_back():
    a = reported()
    a.publish()
    a.answer(a.object(), decision="upheld", remedy="re_tender")
    assert a.tender.status == TenderStatus.FAILED
    again = tender_services.retender(a.call(a.entity), a.tender)
    assert again.status == TenderStatus.DRAFT and again.retender_of == a.tender
    assert list(a.tender.retenders.all()) == [again]
    assert (again.ceiling_price, again.evaluation_method, again.project) == (
        a.tender.ceiling_price, a.tender.evaluation_method, a.tender.project)
    with pytest.raises(ValidationError):
        tender_services.retender(a.call(a.entity), a.tender)
    with pytest.raises(PermissionDenied):
        tender_services.retender(a.call(make_user("entity")), a.tender)


def test_only_a_failed_procedure_is_tendered_again():
    a = reported()
    with pytest.raises(ValidationError):
        tender_services.retender(a.call(a.entity), a.tender)
    assert not Tender.objects.filter(retender_of=a.tender).exists()


# --- the award ------------------------------------------------------------------------------

def test_the_first_ranked_candidate_is_awarded_at_its_price_with_signed_notices_and_result_notices():
    a = reported(reject=[3])
    notice = a.publish()
    with clock.frozen_at(notice.closes_at - dt.timedelta(seconds=1)):
        with pytest.raises(ValidationError) as early:
            a.award(a.bids[0])
    assert "no award before" in str(early.value)
    with a.after_notice():
        made = a.award(a.bids[0])
    tender = a.tender
    assert tender.status == TenderStatus.AWARDED
    assert (tender.winner, tender.awarded_amount) == (a.bids[0].bidder, Decimal("980000.00"))
    assert made.amount == a.bids[0].price and Bid.objects.get(pk=a.bids[0].pk).is_winner
    assert notices.verify(made.body, made.signature, made.platform_public_key)
    assert made.body["candidate_notice_signature"] == notice.signature
    assert notices.award_notice_pdf(made.body).startswith(b"%PDF")
    winner = selectors.result_notices(a.bidders[0])
    loser = selectors.result_notices(a.bidders[2])
    rejected = selectors.result_notices(a.bidders[3])
    assert [r["won"] for r in winner] == [True]
    assert [(r["won"], r["rank"]) for r in loser] == [(False, 2)]
    assert [(r["won"], r["rank"], r["ground"]) for r in rejected] == [(False, None, "non_responsive")]


def test_the_award_goes_to_a_candidate_only_and_past_the_first_only_with_a_reason():
    a = reported(reject=[3])
    a.publish()
    with a.after_notice():
        with pytest.raises(ValidationError) as not_candidate:
            a.award(a.bids[3])
        assert "bid" in fields(not_candidate)
        with pytest.raises(ValidationError) as second:
            a.award(a.bids[2])
        assert "pass_over" in fields(second)
        with pytest.raises(ValidationError) as reasonless:
            a.award(a.bids[2], pass_over="declined")
        assert "reason" in fields(reasonless)
        with pytest.raises(PermissionDenied):
            services.award(a.call(a.bidders[0]), a.tender.pk, a.bids[0].pk)
    assert not Award.objects.exists() and a.tender.status == TenderStatus.CANDIDATES


def test_a_declining_winner_has_the_award_revoked_and_the_next_candidate_is_awarded():
    a = reported()
    a.publish()
    with a.after_notice():
        first = a.award(a.bids[0])
        revoked = services.revoke_award(a.call(a.entity), first.pk, "declined", "Letter of 5 May: capacity taken.")
        assert revoked.revoked and a.tender.status == TenderStatus.CANDIDATES
        assert not Bid.objects.get(pk=a.bids[0].pk).is_winner
        with pytest.raises(ValidationError):
            a.award(a.bids[0])  # a revoked candidate is not awarded again
        second = a.award(a.bids[2], pass_over="declined", reason="The first-ranked candidate declined in writing.")
    assert second.rank == 2 and a.tender.status == TenderStatus.AWARDED
    assert a.tender.awarded_amount == Decimal("995500.00") and a.tender.winner == a.bids[2].bidder
    with pytest.raises(ValidationError):
        services.revoke_award(a.call(a.entity), first.pk, "declined", "again")


def test_too_few_valid_bids_fail_the_procedure_instead_of_a_notice():
    a = reported(reject=[0, 1])
    with pytest.raises(ValidationError):
        a.publish()
    assert not CandidateNotice.objects.exists()


# --- checkpoints ----------------------------------------------------------------------------

def _state(tender, code):
    return Checkpoint.objects.get(tender=tender, code=code)


def test_an_objection_left_unanswered_past_its_limit_turns_red_for_the_supervisor():
    a = reported()
    a.publish()
    objection = a.object()
    assert _state(a.tender, "objection_answer").state == "yellow"
    with clock.frozen_at(objection.answer_due + dt.timedelta(minutes=1)):
        refresh_checkpoints(a.tender)
    assert _state(a.tender, "objection_answer").state == "red"
    a.answer(objection)
    checkpoint = _state(a.tender, "objection_answer")
    assert checkpoint.state == "green" and checkpoint.was_red


def test_a_notice_published_late_after_the_report_is_marked():
    a = reported()
    report = evaluation.signed_report(a.tender)
    due = report.signed_at + tender_policy(a.tender).delta("notice_after_report")
    with clock.frozen_at(due + dt.timedelta(hours=1)):
        refresh_checkpoints(a.tender)
        assert _state(a.tender, "notice_after_report").state == "red"
        a.publish()
    assert _state(a.tender, "notice_after_report").was_red


def test_a_registered_hold_suspends_the_award_until_it_is_lifted():
    from trading.tenders import holds

    suspended = {}

    def complaint(tender, step):
        return suspended.get((tender.pk, step))

    holds.register(complaint)
    try:
        a = reported()
        a.publish()
        suspended[(a.tender.pk, "award")] = "A complaint suspends the award until the supervisor decides."
        with a.after_notice():
            with pytest.raises(ValidationError) as held:
                a.award(a.bids[0])
            assert "supervisor decides" in str(held.value)
            del suspended[(a.tender.pk, "award")]
            a.award(a.bids[0])
    finally:
        holds.SOURCES.remove(complaint)
    assert a.tender.status == TenderStatus.AWARDED
