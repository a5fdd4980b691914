"""The evaluation's services: sheets, the committee's result, justifications, failure, and every refusal."""
import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from trading.audit.models import AuditEntry
from trading.bids.content import Attachment
from trading.bids.models import Bid
from trading.collusion.adapters import DatabaseBids
from trading.evaluation import selectors, services
from trading.evaluation.models import Justification, Report, Review, Sheet
from trading.evaluation.report import readable_report, verify_report
from trading.experts import services as experts_services
from trading.experts.models import Seat
from trading.tenders import clock
from trading.tenders.models import TenderStatus

from tests.evaluation.builders import ATTACHMENT, evaluating, only_other
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOW = ["980000.00", "1010000.00", "995000.00", "600000.00"]  # mean 896250, 80%: 717000
ABOVE = ["980000.00", "1010000.00", "995000.00", "1200000.00"]  # ceiling 1100000
WEIGHTS = {"price": 60, "technical": 30, "service": 10}


def refused(exc_info, field):
    return field in exc_info.value.message_dict


def nothing_written(tender):
    return not Review.objects.filter(sheet__tender=tender).exists() and not Sheet.objects.filter(
        tender=tender, submitted_at__isnull=False).exists() and not Report.objects.filter(tender=tender).exists()


# --- the committee's result ---------------------------------------------------------------

def test_lowest_price_every_member_signs_and_the_platform_signs_the_report():
    e = evaluating()
    for member in e.members[:-1]:
        e.sign(member)
        assert not Report.objects.filter(tender=e.tender).exists()  # not before the last one
    e.sign(e.members[-1])
    report = Report.objects.get(tender=e.tender)
    body = report.body
    assert report.outcome == "ranked" and body["lots"][0]["valid_bids"] == 3
    assert [r["price"] for r in body["lots"][0]["ranking"]] == ["980000.00", "995500.00", "1010000.50"]
    assert body["lots"][0]["candidates"] == [r["bid_id"] for r in body["lots"][0]["ranking"]]
    assert [m["seat"] for m in body["committee"]] == [1, 2, 3, 4, 5]
    assert all(len(m["sheet_sha256"]) == 64 for m in body["committee"])
    assert verify_report(body, report.signature, report.platform_public_key)
    assert not verify_report({**body, "valid_bids": 4}, report.signature, report.platform_public_key)
    assert report.pdf.read().startswith(b"%PDF")
    assert body["opening_record_signature"] == e.tender.opening_record.signature
    assert AuditEntry.objects.filter(action="evaluation.submit_sheet").count() == 5
    # entries naming members stay out of the log until the candidate notice (the experts app's embargo)
    assert set(AuditEntry.objects.filter(action__startswith="evaluation.").values_list("embargo", flat=True)) == {
        f"committee:{e.tender.pk}"}
    assert AuditEntry.objects.filter(action="evaluation.report").count() == 1
    e.tender.refresh_from_db()
    assert e.tender.status == TenderStatus.EVALUATION  # candidates are the next session's business


def test_comprehensive_scoring_with_trimmed_means():
    e = evaluating(evaluation_method="scoring", scoring_weights=WEIGHTS)
    cheap, dear, middle = e.bids  # 980000.00, 1010000.50, 995500.00
    technical = ["20", "25", "26", "27", "30"]  # trimmed: 26.00
    for member, tech in zip(e.members, technical):
        e.sign(member, scores={cheap: {"technical": "20", "service": "5"},
                               dear: {"technical": tech, "service": "10"},
                               middle: {"technical": "22.5", "service": "7.25"}})
    body = Report.objects.get(tender=e.tender).body
    rows = {r["bid_id"]: r for r in body["lots"][0]["ranking"]}
    # price score = 60 * 980000 / price
    assert rows[cheap.pk]["price_score"] == "60.00" and rows[cheap.pk]["total"] == "85.00"
    assert rows[dear.pk]["price_score"] == "58.22"  # 58.2177...
    assert rows[dear.pk]["criteria"] == {"technical": "26.00", "service": "10.00"}
    assert rows[dear.pk]["total"] == "94.22"
    assert rows[middle.pk]["price_score"] == "59.07" and rows[middle.pk]["total"] == "88.82"
    assert [r["bid_id"] for r in body["lots"][0]["ranking"]] == [dear.pk, middle.pk, cheap.pk]
    assert [s["score"] for s in rows[dear.pk]["member_scores"]["technical"]] == [
        "20.00", "25.00", "26.00", "27.00", "30.00"]


def test_the_majority_rejects_and_the_minority_is_the_dissent():
    e = evaluating(prices=["980000.00", "1010000.50", "995500.00", "990000.00"])
    target = e.bids[0]
    for i, member in enumerate(e.members):
        e.sign(member, reject=[target] if i < 3 else [])
    body = Report.objects.get(tender=e.tender).body
    row = next(b for b in body["lots"][0]["bids"] if b["bid_id"] == target.pk)
    assert not row["passed"] and row["ground"] == "non_responsive" and row["votes"] == {"pass": 2, "reject": 3}
    assert row["dissent"] == [4, 5]
    assert [r["reason"] for r in row["reviews"][:3]] == ["Bill of quantities incomplete."] * 3
    assert target.pk not in [r["bid_id"] for r in body["lots"][0]["ranking"]] and body["lots"][0]["valid_bids"] == 3
    assert dict(readable_report(body)["dissent"]).keys() == {4, 5}
    # the committee's rejection is the collusion engine's `disqualified` fact
    target.refresh_from_db()
    assert target.disqualified
    assert Bid.objects.filter(tender=e.tender, disqualified=True).count() == 1
    frame = DatabaseBids().frame
    flags = dict(zip(frame["amount"].astype(str), frame["disqualified"]))
    assert flags["980000.0"] and not flags["990000.0"]


def test_a_minority_rejection_does_not_reject():
    e = evaluating()
    for i, member in enumerate(e.members):
        e.sign(member, reject=[e.bids[0]] if i < 2 else [])
    row = Report.objects.get(tender=e.tender).body["lots"][0]["bids"][0]
    assert row["passed"] and row["dissent"] == [1, 2]
    e.bids[0].refresh_from_db()
    assert not e.bids[0].disqualified


def test_a_price_above_the_ceiling_is_rejected_by_the_platform():
    e = evaluating(prices=ABOVE)
    above = e.bids[3]
    facts = selectors.facts(e.tender)
    assert facts.of(above.pk).above_ceiling and above.pk not in [f.bid.pk for f in facts.under_review]
    with pytest.raises(ValidationError) as exc:  # it is not on the sheets
        e.sign(e.members[0])
    assert refused(exc, "reviews")
    e.bids = e.bids[:3]
    e.sign_all()
    row = Report.objects.get(tender=e.tender).body["lots"][0]["bids"][3]
    assert (row["passed"], row["ground"], row["automatic"], row["reviews"]) == (
        False, "above_ceiling", "above_ceiling", [])


def test_too_few_valid_bids_fail_and_the_entity_ends_the_procedure():
    e = evaluating()
    e.sign_all(reject=[e.bids[0]])
    report = Report.objects.get(tender=e.tender)
    assert report.outcome == "failed" and report.body["lots"][0]["ranking"] == [] and report.body["lots"][0]["candidates"] == []
    stranger = make_user("entity")
    with pytest.raises(PermissionDenied):
        services.fail_for_too_few_bids(e.call(stranger), e.tender.pk)
    with pytest.raises(PermissionDenied):
        services.fail_for_too_few_bids(e.call(e.members[0]), e.tender.pk)
    services.fail_for_too_few_bids(e.call(e.ceremony.host), e.tender.pk)
    e.tender.refresh_from_db()
    assert e.tender.status == TenderStatus.FAILED
    change = e.tender.status_changes.last()
    assert change.to_status == TenderStatus.FAILED and "2 valid bids" in change.reason


def test_a_ranked_report_does_not_fail_the_procedure():
    e = evaluating()
    with pytest.raises(ValidationError):  # no report yet
        services.fail_for_too_few_bids(e.call(e.ceremony.host), e.tender.pk)
    e.sign_all()
    with pytest.raises(ValidationError) as exc:
        services.fail_for_too_few_bids(e.call(e.ceremony.host), e.tender.pk)
    assert refused(exc, "tender")
    e.tender.refresh_from_db()
    assert e.tender.status == TenderStatus.EVALUATION


def test_the_representative_sits_with_the_experts():
    e = evaluating(representative=True)
    assert len(e.members) == 5 and e.members[0] == e.representative and e.representative.role == "entity"
    e.sign_all()
    body = Report.objects.get(tender=e.tender).body
    assert [m["representative"] for m in body["committee"]] == [True] + [False] * 4


def test_no_report_while_a_seat_of_the_committee_is_empty():
    e = evaluating()
    seat = Seat.objects.get(user=e.members[4], committee__tender=e.tender)
    vacated = experts_services.record_absence(e.call(e.ceremony.host), seat.pk, "Taken ill.")
    [replacement] = vacated.new_seats  # drawn again, not yet seated
    with pytest.raises(PermissionDenied):
        e.sign(e.members[4])
    e.members = e.members[:4]
    e.sign_all()
    assert not Report.objects.filter(tender=e.tender).exists()
    experts_services.declare(e.call(replacement.user), replacement.pk, False)
    e.sign(replacement.user)
    body = Report.objects.get(tender=e.tender).body
    assert [m["seat"] for m in body["committee"]] == [1, 2, 3, 4, 6]  # seat 5 is the absent expert's


# --- drafts and signing ---------------------------------------------------------------------

def test_a_draft_is_saved_incomplete_and_signed_as_it_stands():
    e = evaluating()
    member = e.members[0]
    services.save_sheet(e.call(member), e.tender.pk, {"reviews": [{"bid": e.bids[0].pk, "verdict": "pass"}]})
    sheet = Sheet.objects.get(tender=e.tender, member=member)
    assert not sheet.submitted and sheet.reviews.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.submit_sheet(e.call(member), e.tender.pk)
    assert refused(exc, f"bid_{e.bids[1].pk}_verdict")
    services.save_sheet(e.call(member), e.tender.pk, e.sheet())
    services.submit_sheet(e.call(member), e.tender.pk)
    sheet.refresh_from_db()
    assert sheet.submitted and sheet.reviews.count() == 3


def test_a_sheet_is_signed_once():
    e = evaluating()
    member = e.members[0]
    first = e.sign(member)
    reviews = list(Review.objects.filter(sheet=first).values_list("bid_id", "verdict"))
    for attempt in (lambda: e.sign(member, reject=[e.bids[0]]),
                    lambda: services.save_sheet(e.call(member), e.tender.pk, e.sheet(reject=[e.bids[0]]))):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert refused(exc, "sheet") and "can no longer change" in exc.value.message_dict["sheet"][0]
    first.refresh_from_db()
    assert list(Review.objects.filter(sheet=first).values_list("bid_id", "verdict")) == reviews
    assert AuditEntry.objects.filter(action="evaluation.submit_sheet").count() == 1


def test_a_score_out_of_range_is_a_field_error_and_writes_nothing():
    e = evaluating(evaluation_method="scoring", scoring_weights=WEIGHTS)
    scores = {bid: {"technical": "20", "service": "5"} for bid in e.bids}
    scores[e.bids[1]] = {"technical": "30.5", "service": "5.123"}
    with pytest.raises(ValidationError) as exc:
        e.sign(e.members[0], scores=scores)
    errors = exc.value.message_dict
    assert errors[f"bid_{e.bids[1].pk}_score_technical"] == ["Enter a score from 0 to 30."]
    assert errors[f"bid_{e.bids[1].pk}_score_service"] == ["Use at most two decimal places."]
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(e.call(e.members[0]), e.tender.pk, {"reviews": [
            {"bid": e.bids[0].pk, "scores": {"technical": "-1", "beauty": "3"}}]})
    assert refused(exc, f"bid_{e.bids[0].pk}_scores")
    assert nothing_written(e.tender)


def test_a_signed_sheet_scores_every_passed_bid_on_every_criterion():
    e = evaluating(evaluation_method="scoring", scoring_weights=WEIGHTS)
    with pytest.raises(ValidationError) as exc:
        e.sign(e.members[0], scores={e.bids[0]: {"technical": "20"}})
    errors = exc.value.message_dict
    assert f"bid_{e.bids[0].pk}_score_service" in errors and f"bid_{e.bids[1].pk}_score_technical" in errors
    assert nothing_written(e.tender)


def test_a_rejection_needs_its_ground_and_reason():
    e = evaluating()
    data = e.sheet()
    data["reviews"][0] = {"bid": e.bids[0].pk, "verdict": "reject", "ground": "", "reason": "  "}
    data["reviews"][1] = {"bid": e.bids[1].pk, "verdict": "reject", "ground": "above_ceiling", "reason": "x"}
    data["reviews"][2] = {"bid": e.bids[2].pk, "verdict": "maybe"}
    with pytest.raises(ValidationError) as exc:
        services.submit_sheet(e.call(e.members[0]), e.tender.pk, data)
    errors = exc.value.message_dict
    assert {f"bid_{e.bids[0].pk}_ground", f"bid_{e.bids[0].pk}_reason", f"bid_{e.bids[1].pk}_ground",
            f"bid_{e.bids[2].pk}_verdict"} <= set(errors)
    assert nothing_written(e.tender)


@pytest.mark.parametrize("data", [None, "x", [], {"reviews": "x"}, {"reviews": [{"bid": "1"}]},
                                  {"reviews": [{"bid": 10**6}]}, {"reviews": [1, 2]}])
def test_malformed_sheets_are_field_errors(data):
    e = evaluating()
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(e.call(e.members[0]), e.tender.pk, data)
    assert refused(exc, "reviews")
    assert nothing_written(e.tender)


def test_the_same_bid_twice_on_a_sheet_is_refused():
    e = evaluating()
    data = e.sheet()
    data["reviews"].append(dict(data["reviews"][0]))
    with pytest.raises(ValidationError) as exc:
        services.submit_sheet(e.call(e.members[0]), e.tender.pk, data)
    assert refused(exc, "reviews")


# --- who may evaluate ---------------------------------------------------------------------------

def test_an_expert_off_the_committee_is_refused_and_nothing_is_written():
    e = evaluating()
    outsider = make_user("expert")
    with pytest.raises(PermissionDenied, match="do not sit"):
        e.sign(outsider)
    with pytest.raises(PermissionDenied):
        services.save_sheet(e.call(outsider), e.tender.pk, e.sheet())
    assert not Sheet.objects.exists()


def test_a_member_of_another_tender_is_refused():
    e = evaluating()
    stranger = only_other(evaluating(), e)
    with pytest.raises(PermissionDenied):
        services.submit_sheet(e.call(stranger), e.tender.pk, e.sheet())
    with pytest.raises(PermissionDenied):
        selectors.require_member(stranger, e.tender)
    assert not Sheet.objects.filter(tender=e.tender).exists()


def test_members_wait_for_the_signed_opening_record():
    e = evaluating(step="confirming")
    assert e.tender.status == TenderStatus.OPENING
    with pytest.raises(PermissionDenied, match="opening record"):
        selectors.require_member(e.members[0], e.tender)
    with pytest.raises(PermissionDenied, match="opening record"):
        e.sign(e.members[0])
    assert not Sheet.objects.exists()


@pytest.mark.parametrize("role", ["contractor", "supervisor", "discipline", "admin"])
def test_roles_outside_the_matrix_are_refused(role):
    e = evaluating()
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        e.sign(user)


@pytest.mark.parametrize("status", ["drawn", "declined", "recused", "absent"])
def test_a_seat_that_is_not_seated_does_not_evaluate(status):
    e = evaluating()
    Seat.objects.filter(user=e.members[0]).update(status=status)
    with pytest.raises(PermissionDenied):
        e.sign(e.members[0])


def test_unknown_tenders_are_not_found():
    e = evaluating()
    for tender_id in (10**9, "abc", None, True):
        with pytest.raises(Http404):
            services.submit_sheet(e.call(e.members[0]), tender_id, e.sheet())


def test_nobody_sees_another_sheet_before_signing_their_own():
    e = evaluating()
    first, second = e.members[:2]
    services.save_sheet(e.call(second), e.tender.pk, e.sheet())  # a draft is never shown
    e.sign(first)
    assert list(selectors.others_sheets(first, e.tender)) == []
    with pytest.raises(PermissionDenied, match="once you have signed"):
        selectors.others_sheets(second, e.tender)
    e.sign(second)
    assert [s.member for s in selectors.others_sheets(second, e.tender)] == [first]
    assert [s.member for s in selectors.others_sheets(first, e.tender)] == [second]


def test_progress_shows_seat_numbers_to_the_entity_and_supervisors_only():
    e = evaluating()
    e.sign(e.members[2])
    rows = selectors.progress(e.ceremony.host, e.tender)
    assert [(p.seat, bool(p.signed_at)) for p in rows] == [(1, False), (2, False), (3, True), (4, False),
                                                           (5, False)]
    assert selectors.progress(make_user("supervisor"), e.tender)
    for outsider in (make_user("entity"), make_user("contractor"), e.ceremony.bidders[0], make_user("admin")):
        with pytest.raises(PermissionDenied):
            selectors.progress(outsider, e.tender)


# --- abnormally low prices --------------------------------------------------------------------------

def low_tender():
    e = evaluating(prices=LOW)
    return e, e.bids[3], e.ceremony.bidders[3]


def test_an_abnormally_low_price_is_flagged_and_must_be_justified():
    e, low, bidder = low_tender()
    facts = selectors.facts(e.tender)
    assert [f.abnormally_low for f in facts.bids] == [False, False, False, True]
    assert facts.sections[0].threshold == Decimal("717000")
    with pytest.raises(ValidationError) as exc:  # a member cannot pass it unjustified
        e.sign(e.members[0])
    assert f"bid_{low.pk}_verdict" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # nor ask about a normal price
        services.ask_justification(e.call(e.members[0]), e.bids[0].pk, "Why?")
    assert refused(exc, "bid")
    with pytest.raises(ValidationError) as exc:
        services.ask_justification(e.call(e.members[0]), low.pk, "   ")
    assert refused(exc, "question")
    assert not Justification.objects.exists()


def test_the_bidder_justifies_in_time_and_the_committee_accepts_with_reasons():
    e, low, bidder = low_tender()
    query = services.ask_justification(e.call(e.members[0]), low.pk, "Explain the unit price of asphalt.")
    assert query.due_at - query.asked_at == dt.timedelta(days=2)  # the policy's time limit
    with pytest.raises(ValidationError) as exc:  # asked once
        services.ask_justification(e.call(e.members[1]), low.pk, "Again?")
    assert refused(exc, "bid")
    with pytest.raises(ValidationError) as exc:  # nobody signs while the bidder may still answer
        e.sign(e.members[0], reasons={low: "Own quarry."})
    assert refused(exc, "sheet")
    services.answer_justification(e.call(bidder), query.pk, "We own the quarry; invoices attached.")
    with pytest.raises(ValidationError) as exc:
        e.sign(e.members[0])  # passing it needs a reason
    assert refused(exc, f"bid_{low.pk}_reason")
    e.sign_all(reasons={low: "Own quarry: the price is plausible."})
    body = Report.objects.get(tender=e.tender).body
    row = next(b for b in body["lots"][0]["bids"] if b["bid_id"] == low.pk)
    assert row["passed"] and row["abnormally_low"] and row["justification"]["outcome"] == "accepted"
    assert body["lots"][0]["ranking"][0]["bid_id"] == low.pk


def test_the_committee_rejects_an_unconvincing_justification():
    e, low, bidder = low_tender()
    query = services.ask_justification(e.call(e.members[0]), low.pk, "Explain.")
    services.answer_justification(e.call(bidder), query.pk, "Trust us.")
    for i, member in enumerate(e.members):
        data = e.sheet(reasons={low: "Plausible."})
        if i < 3:
            data["reviews"][3] = {"bid": low.pk, "verdict": "reject", "ground": "abnormally_low",
                                  "reason": "No evidence for the cost."}
        services.submit_sheet(e.call(member), e.tender.pk, data)
    row = next(b for b in Report.objects.get(tender=e.tender).body["lots"][0]["bids"] if b["bid_id"] == low.pk)
    assert (row["passed"], row["ground"], row["justification"]["outcome"]) == (False, "abnormally_low", "rejected")
    assert row["dissent"] == [4, 5]


def test_a_late_answer_is_refused_and_the_bid_is_rejected_on_that_ground():
    e, low, bidder = low_tender()
    query = services.ask_justification(e.call(e.members[0]), low.pk, "Explain.")
    with clock.shifted(dt.timedelta(days=2, minutes=1)):
        with pytest.raises(ValidationError) as exc:
            services.answer_justification(e.call(bidder), query.pk, "Sorry, late.")
        assert "too late" in exc.value.message_dict["answer"][0]
        query.refresh_from_db()
        assert not query.answered and query.answer == ""
        with pytest.raises(ValidationError):
            e.sign(e.members[0])  # still not passable
        e.sign_all(reject=[low])
    row = next(b for b in Report.objects.get(tender=e.tender).body["lots"][0]["bids"] if b["bid_id"] == low.pk)
    assert (row["passed"], row["ground"], row["automatic"]) == (False, "abnormally_low", "no_justification")
    assert row["justification"]["outcome"] == "lapsed"


def test_only_the_queried_bidder_answers_and_only_once():
    e, low, bidder = low_tender()
    query = services.ask_justification(e.call(e.members[0]), low.pk, "Explain.")
    for wrong in (e.ceremony.bidders[0], make_user("contractor")):
        with pytest.raises(Http404):
            services.answer_justification(e.call(wrong), query.pk, "We answer for them.")
    for wrong_role in (e.members[1], e.ceremony.host):
        with pytest.raises(PermissionDenied):
            services.answer_justification(e.call(wrong_role), query.pk, "x")
    with pytest.raises(ValidationError) as exc:
        services.answer_justification(e.call(bidder), query.pk, "")
    assert refused(exc, "answer")
    query.refresh_from_db()
    assert not query.answered
    services.answer_justification(e.call(bidder), query.pk, "First answer.")
    with pytest.raises(ValidationError) as exc:
        services.answer_justification(e.call(bidder), query.pk, "Second answer.")
    assert refused(exc, "answer")
    query.refresh_from_db()
    assert query.answer == "First answer."
    assert [j.pk for j in selectors.own_justifications(bidder)] == [query.pk]
    assert list(selectors.own_justifications(e.ceremony.bidders[0])) == []


def test_a_member_who_signed_asks_nothing_more():
    e, low, bidder = low_tender()
    e.sign(e.members[0], reject=[low])
    with pytest.raises(ValidationError) as exc:
        services.ask_justification(e.call(e.members[0]), low.pk, "Explain.")
    assert refused(exc, "bid")
    with pytest.raises(PermissionDenied):
        services.ask_justification(e.call(make_user("expert")), low.pk, "Explain.")
    assert not Justification.objects.exists()


# --- attachments ------------------------------------------------------------------------------------

def test_members_open_the_attachments_of_their_tender_only():
    e = evaluating(attachment=True)
    attachment = e.bids[0].attachments.get()
    opened = services.open_bid_attachment(e.call(e.members[0]), attachment.pk)
    assert (opened.name, opened.data) == ATTACHMENT
    assert AuditEntry.objects.filter(action="evaluation.open_attachment").count() == 1
    for outsider in (make_user("expert"), e.ceremony.host, e.ceremony.bidders[1]):
        with pytest.raises(PermissionDenied):
            services.open_bid_attachment(e.call(outsider), attachment.pk)
    with pytest.raises(Http404):
        services.open_bid_attachment(e.call(e.members[0]), "nope")


def test_an_attachment_sealed_in_the_browser_that_is_not_what_its_name_says_is_not_served():
    # A client that seals for itself may skip the checks the bid form makes: the platform could not look inside
    # the file on arrival, so it is checked when opened.
    unchecked = lambda files: [Attachment(f.name, f.read()) for f in files]  # noqa: E731
    with mock.patch("tests.evaluation.builders.ATTACHMENT", ("method statement.pdf", b"MZ\x90\x00 not a PDF")), \
            mock.patch("trading.bids.content.read_attachments", unchecked):
        e = evaluating(attachment=True)
    attachment = e.bids[0].attachments.get()
    with pytest.raises(PermissionDenied) as refused:
        services.open_bid_attachment(e.call(e.members[0]), attachment.pk)
    assert "method statement.pdf" in str(refused.value) and "not served" in str(refused.value)
    entry = AuditEntry.objects.get(action="evaluation.open_attachment")
    assert "method statement.pdf" in entry.summary["refused"]


def test_evaluation_is_over_once_the_report_is_signed():
    e, low, bidder = low_tender()
    e.sign_all(reject=[low])
    with pytest.raises(ValidationError) as exc:
        services.ask_justification(e.call(e.members[0]), low.pk, "Explain.")
    assert refused(exc, "tender")
