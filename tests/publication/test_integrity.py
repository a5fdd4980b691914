"""The integrity index: each finding the platform records adds its points, the colour follows the sum, the notice
names the figures, and the entity answers in writing (audited, its own officials only)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.collusion.builders import small_report
from tests.contracts.builders import awarded
from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.publication import selectors, services
from trading.publication.selectors import Filters

pytestmark = pytest.mark.django_db


def row_of(entity_id):
    return next(r for r in selectors.integrity(Filters()) if r["entity"] == entity_id)


def test_red_checkpoints_a_contract_amended_beyond_the_policy_and_a_collusion_flag_add_up_to_red():
    w = awarded()  # the fast builder awards without showing a candidate notice: that checkpoint went red
    contract = w.conclude()
    w.amend(contract, price="1100000.00")  # 980,000 -> 1,100,000: 12.2%, beyond the policy's 10%
    entity_id = w.tender.project.entity_id
    row = row_of(entity_id)
    # candidate_notice and amendment_price went red (1 point each); the contract changed beyond the threshold (2).
    assert (row["red_checkpoints"], row["contract_changes"], row["points"], row["band"]) == (2, 1, 4, "yellow")
    stored = small_report()["tender"]
    type(stored).objects.filter(pk=stored.pk).update(tender=w.tender)  # the stored report bands this tender red
    row = row_of(entity_id)
    assert (row["collusion_flags"], row["points"], row["band"]) == (1, 6, "red")
    notice = selectors.entity_integrity(entity_id)["notice"]
    assert notice.startswith("Red warning for " + w.tender.project.entity.name + " (6 points")
    assert "2 supervision checkpoints went red" in notice and "1 tenders were flagged by the collusion" in notice
    assert "1 contracts were amended beyond the policy's share of the price" in notice


def test_an_amendment_within_the_policy_adds_nothing():
    w = awarded()
    w.amend(w.conclude(), price="1050000.00")  # 7.1%
    row = row_of(w.tender.project.entity_id)
    # Only the fast builder's candidate_notice checkpoint: a blue warning, the amendment adds nothing.
    assert (row["red_checkpoints"], row["contract_changes"], row["points"], row["band"]) == (1, 0, 1, "blue")
    assert "amended" not in selectors.entity_integrity(w.tender.project.entity_id)["notice"]


def test_colour_bands_follow_the_points():
    blank = dict.fromkeys(selectors.POINTS, 0)
    figures = {"tenders": 4, "bidding_over": 4, "single_bid": 2, "single_bid_percent": 50.0}
    assert selectors._scored(1, "E", figures, blank, None)["band"] == "blue"  # 2 points for half single-bid
    assert selectors._scored(1, "E", figures, {**blank, "upheld_complaints": 2}, None)["points"] == 6
    assert selectors._scored(1, "E", figures, {**blank, "upheld_complaints": 2}, None)["band"] == "red"
    one = {"tenders": 1, "bidding_over": 1, "single_bid": 1, "single_bid_percent": 100.0}
    assert selectors._scored(1, "E", one, blank, None)["band"] == "none"  # one tender is no share


def test_the_entity_answers_in_writing_and_the_answer_is_audited():
    w = awarded()
    official = make_user("entity", organisation=w.tender.project.entity)
    services.write_feedback(Caller(user=official, ip="203.0.113.9"), "  We re-tendered the drainage works.  ")
    row = row_of(w.tender.project.entity_id)
    assert row["feedback"].text == "We re-tendered the drainage works."
    entry = AuditEntry.objects.filter(action="publication.write_feedback").get()
    assert entry.summary["entity"] == w.tender.project.entity_id


def test_feedback_is_refused_to_other_roles_and_blank_text_gets_a_field_error():
    with pytest.raises(PermissionDenied):
        services.write_feedback(Caller(user=make_user("contractor")), "Not ours to say.")
    with pytest.raises(PermissionDenied):
        services.write_feedback(Caller(user=make_user("supervisor")), "Not ours to say.")
    with pytest.raises(ValidationError) as refused:
        services.write_feedback(Caller(user=make_user("entity")), "   ")
    assert "text" in refused.value.message_dict


def test_an_upheld_objection_and_an_upheld_complaint_count_against_the_entity():
    from tests.complaints.builders import call as complaints_call
    from tests.complaints.builders import complain, noticed
    from trading.complaints import services as complaints

    a = noticed()
    objection = a.object()
    a.answer(objection, decision="upheld", remedy="re_evaluation",
             text="The licence had expired: the committee evaluates again.")
    complaint = complain(a, subject="award")
    officer = make_user("supervisor")
    complaints.accept_complaint(complaints_call(officer), complaint.pk)
    complaints.decide_complaint(complaints_call(officer), complaint.pk, "upheld", "The manager was double-booked.",
                                remedy="finding")
    row = row_of(a.tender.project.entity_id)
    assert (row["upheld_objections"], row["upheld_complaints"]) == (1, 1)
    assert row["points"] == row["red_checkpoints"] + 1 + 2  # each objection 1 point, each complaint 2
