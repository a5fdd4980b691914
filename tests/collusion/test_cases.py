"""Cases: opened from a lead, worked through open → reviewing → referred / dismissed, every step audited."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.collusion.models import Case, CaseStatus
from trading.collusion.services import add_note, change_status, open_case

from .builders import small_report


@pytest.fixture
def stored(db):
    return small_report()


def audit_actions(case):
    return list(AuditEntry.objects.filter(object_type="collusion.case", object_id=str(case.pk))
                .order_by("seq").values_list("action", flat=True))


def test_a_case_from_a_flag_is_worked_to_referral_with_an_audit_trail(stored, discipline):
    me = Caller(user=discipline, ip="10.0.0.9")
    case = open_case(me, flag=stored["flag"], note="Rotation looks deliberate.")
    assert case.status == CaseStatus.OPEN and case.group == stored["group"] and case.report == stored["report"]
    assert case.title.startswith("Firms Alpha Works, Beta Builders, Gamma Roads form a group")
    add_note(me, case, "Asked the bank for the security deposits.")
    change_status(me, case, CaseStatus.REVIEWING, "Evidence gathered.")
    change_status(me, case, CaseStatus.REFERRED, "Sent to the competition authority.")
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    notes = list(case.notes.values_list("text", "status_from", "status_to"))
    assert notes == [("Rotation looks deliberate.", "", ""), ("Asked the bank for the security deposits.", "", ""),
                     ("Evidence gathered.", "open", "reviewing"),
                     ("Sent to the competition authority.", "reviewing", "referred")]
    assert audit_actions(case) == ["collusion.case_open", "collusion.case_note", "collusion.case_status",
                                   "collusion.case_status"]
    last = AuditEntry.objects.filter(action="collusion.case_status").last()
    assert last.summary == {"status_from": "reviewing", "status_to": "referred"} and last.ip == "10.0.0.9"


@pytest.mark.parametrize("path, illegal", [
    ([], CaseStatus.REFERRED),
    ([], CaseStatus.DISMISSED),
    ([CaseStatus.REVIEWING], CaseStatus.OPEN),
    ([CaseStatus.REVIEWING, CaseStatus.DISMISSED], CaseStatus.REVIEWING),
    ([CaseStatus.REVIEWING, CaseStatus.REFERRED], CaseStatus.DISMISSED),
    ([], "closed"),
])
def test_illegal_transitions_are_refused_and_change_nothing(stored, discipline, path, illegal):
    me = Caller(user=discipline)
    case = open_case(me, tender_risk=stored["tender"])
    for status in path:
        change_status(me, case, status)
    before = (audit_actions(case), case.notes.count())
    with pytest.raises(ValidationError) as error:
        change_status(me, case, illegal)
    assert "status" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == (path[-1] if path else CaseStatus.OPEN)
    assert (audit_actions(case), case.notes.count()) == before


def test_a_case_needs_exactly_one_lead_and_a_note_needs_text(stored, discipline):
    me = Caller(user=discipline)
    with pytest.raises(ValidationError):
        open_case(me)
    with pytest.raises(ValidationError):
        open_case(me, flag=stored["flag"], group=stored["group"])
    case = open_case(me, group=stored["group"], title="Ring of three")
    assert case.title == "Ring of three"
    with pytest.raises(ValidationError):
        add_note(me, case, "   ")
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", ["contractor", "entity", "supervisor", "expert", "admin"])
def test_only_discipline_staff_open_and_work_cases(stored, discipline, role):
    from tests.factories import make_user

    other = Caller(user=make_user(role))
    with pytest.raises(PermissionDenied):
        open_case(other, group=stored["group"])
    case = open_case(Caller(user=discipline), group=stored["group"])
    with pytest.raises(PermissionDenied):
        add_note(other, case, "x")
    with pytest.raises(PermissionDenied):
        change_status(other, case, CaseStatus.REVIEWING)
    assert audit_actions(case) == ["collusion.case_open"]


def test_the_case_pages_open_note_and_move_a_case(client, stored, discipline):
    client.force_login(discipline)
    response = client.post(reverse("collusion:case_open"), {"group": stored["group"].pk, "note": "Look at this"},
                           follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("collusion:case", args=[case.pk])
    client.post(reverse("collusion:case_note", args=[case.pk]), {"text": "Called the buyer."})
    response = client.post(reverse("collusion:case_status", args=[case.pk]), {"status": "referred"}, follow=True)
    assert "cannot become referred" in response.content.decode()
    client.post(reverse("collusion:case_status", args=[case.pk]), {"status": "reviewing", "note": "Why not"})
    html = client.get(reverse("collusion:case", args=[case.pk])).content.decode()
    assert "Under review" in html and "Called the buyer." in html and "Look at this" in html
    assert '<option value="referred">' in html and '<option value="dismissed">' in html
    listing = client.get(reverse("collusion:cases") + "?status=reviewing").content.decode()
    assert reverse("collusion:case", args=[case.pk]) in listing
    assert reverse("collusion:case", args=[case.pk]) not in client.get(
        reverse("collusion:cases") + "?status=open").content.decode()
