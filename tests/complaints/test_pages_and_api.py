"""The complaints room over HTTP, and the permission matrix over every new action and object: who reads and does
what on the pages and the API; bad input gets field errors (400), never a 500."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from tests.factories import make_user
from trading.accounts.permissions import MATRIX
from trading.accounts.roles import Role
from trading.complaints import services
from trading.complaints.models import Complaint
from trading.tenders import clock

from .builders import bidding, call, complain, evidence, noticed, supervisor

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
NEW_ACTIONS = {
    "question.ask": {Role.CONTRACTOR},
    "question.answer": {Role.ENTITY},
    "document_objection.file": {Role.CONTRACTOR},
    "document_objection.answer": {Role.ENTITY},
    "complaint.file": {Role.CONTRACTOR},
    "complaint.handle": {Role.SUPERVISOR},
    "complaint.read_all": {Role.SUPERVISOR, Role.DISCIPLINE},
}


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_matrix_names_every_new_action_with_exactly_these_roles():
    assert {action: MATRIX[action] for action in NEW_ACTIONS} == NEW_ACTIONS


def denied(action):
    try:
        action()
    except PermissionDenied:
        return True
    except Exception:  # refused for another reason (standing, state): the role itself passed the matrix
        return False
    return False


@pytest.mark.parametrize("role", list(Role))
def test_every_write_of_the_room_refuses_the_roles_the_matrix_leaves_out(role):
    b = bidding()
    a = noticed()
    made = complain(a)
    question, objection = b.ask(), b.object()
    user = make_user(role)
    writes = {
        "question.ask": lambda: services.ask_question(call(user), b.tender.pk, "Why?"),
        "question.answer": lambda: services.answer_question(call(user), question.pk, "Because."),
        "document_objection.file": lambda: services.file_document_objection(call(user), b.tender.pk, "Unfair."),
        "document_objection.answer": lambda: services.answer_document_objection(call(user), objection.pk, "No.",
                                                                                False),
        "complaint.file": lambda: services.file_complaint(call(user), a.tender.pk, "award", "x", clock.now()),
        "complaint.handle": lambda: services.accept_complaint(call(user), made.pk),
    }
    for action, write in writes.items():
        if role in MATRIX[action]:
            continue
        assert denied(write), (action, role)
    # Roles the matrix allows are still bound to their object: another entity, a supervisor handles any.
    if role == Role.ENTITY:
        assert denied(writes["question.answer"]) and denied(writes["document_objection.answer"])
    if role in MATRIX["complaint.handle"]:
        writes["complaint.handle"]()
    made.refresh_from_db()
    assert made.status == ("accepted" if role == Role.SUPERVISOR else "filed")


READERS = {"complainant": True, "entity": True, "supervisor": True, "discipline": True, "winner": False,
           "other_contractor": False, "other_entity": False, "expert": False, "admin": False, "finance": False,
           "anonymous": False}


@pytest.fixture
def world():
    a = noticed()
    made = complain(a, files=[evidence()], text="Secret complaint text 7c2d")
    people = {"complainant": a.bidders[1], "entity": a.entity, "supervisor": supervisor(),
              "discipline": make_user("discipline"), "winner": a.bidders[0],
              "other_contractor": make_user("contractor"), "other_entity": make_user("entity"),
              "expert": make_user("expert"), "admin": make_user("admin"), "finance": make_user("finance"),
              "anonymous": None}
    return a, made, people


@pytest.mark.parametrize("who", READERS)
def test_a_complaint_and_its_evidence_are_read_by_its_parties_and_the_supervisors_only(client, world, who):
    a, made, people = world
    user = people[who]
    if user is not None:
        client.force_login(user)
    evidence_id = made.evidence.get().pk
    page = client.get(f"/complaints/complaint/{made.pk}/")
    file = client.get(f"/complaints/evidence/{evidence_id}/")
    room = client.get(f"/complaints/tender/{a.tender.pk}/").content.decode()
    answer = api(user).get(f"/api/complaints/complaints/{made.pk}/")
    listed = api(user).get(f"/api/complaints/tenders/{a.tender.pk}/complaints/")
    if READERS[who]:
        assert page.status_code == 200 and "Secret complaint text" in page.content.decode()
        assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
        assert answer.status_code == 200 and answer.json()["text"] == "Secret complaint text 7c2d"
        assert [c["id"] for c in listed.json()] == [made.pk]
        assert f"/complaints/complaint/{made.pk}/" in room
    else:
        assert page.status_code in (302, 403) and file.status_code in (302, 403)
        assert answer.status_code in (401, 403)
        assert listed.status_code in (401, 403) or listed.json() == []
        assert "Secret complaint text" not in room and f"/complaints/complaint/{made.pk}/" not in room


def test_the_firm_complained_about_reads_the_complaint_against_it_and_its_status(client, world):
    a, made, people = world
    against = complain(a, bidder_index=2, against=people["winner"].organisation_id, files=[evidence()],
                       text="Against the winner 91fe")
    client.force_login(people["winner"])
    page = client.get(f"/complaints/complaint/{against.pk}/").content.decode()
    assert "Against the winner 91fe" in page and "Filed, awaiting acceptance" in page
    assert client.get(f"/complaints/evidence/{against.evidence.get().pk}/").status_code == 200
    assert [c["id"] for c in api(people["winner"]).get("/api/complaints/complaints/").json()] == [against.pk]
    with pytest.raises(PermissionDenied):
        services.accept_complaint(call(people["winner"]), against.pk)


def test_the_decision_notice_and_the_statistics_are_public_once_decided(client, world):
    a, made, people = world
    assert client.get(f"/complaints/decision/{made.pk}/").status_code == 404
    assert api().get(f"/api/complaints/decisions/{made.pk}/").status_code == 404
    sup = people["supervisor"]
    services.accept_complaint(call(sup), made.pk)
    services.decide_complaint(call(sup), made.pk, "dismissed", "The manager's registration is valid.")
    notice = client.get(f"/complaints/decision/{made.pk}/").content.decode()
    assert "Dismissed" in notice and "registration is valid" in notice and "Secret complaint text" not in notice
    assert api().get(f"/api/complaints/decisions/{made.pk}/").json()["decision"] == "dismissed"
    assert api().get("/api/complaints/statistics/").json()["decided"] == 1
    index = client.get("/complaints/").content.decode()
    assert f"/complaints/decision/{made.pk}/" in index


def test_the_supervisor_handles_a_complaint_on_its_page_with_field_errors_for_bad_input(client, world):
    a, made, people = world
    client.force_login(people["supervisor"])
    base = f"/complaints/complaint/{made.pk}/"
    refused = client.post(f"{base}accept/", {"suspend": "on", "reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert client.post(f"{base}accept/", {"suspend": "on", "reason": "Checking the register."}).status_code == 302
    page = client.get(base).content.decode()
    assert "Procedure suspended" in page and "Lift the suspension" in page
    bad = client.post(f"{base}decide/", {"decision": "upheld", "ruling": "Forged licence."})
    assert bad.status_code == 400 and "needs a remedy" in bad.content.decode()
    assert client.post(f"{base}decide/", {"decision": "upheld", "remedy": "re_tender",
                                          "ruling": "Forged licence."}).status_code == 302
    made.refresh_from_db()
    assert made.decision == "upheld" and not made.suspending
    client.force_login(people["complainant"])
    assert "Upheld" in client.get(base).content.decode()


def test_a_contractor_files_on_the_page_and_the_api_and_late_or_bad_filings_say_why(client, world):
    a, made, people = world
    page = f"/complaints/tender/{a.tender.pk}/"
    client.force_login(people["complainant"])
    assert "File a complaint" in client.get(page).content.decode()
    late = (clock.now() - 12 * DAY).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"{page}complain/", {"subject": "award", "known_at": late, "text": "Late."})
    assert refused.status_code == 400 and "within 10 days of knowing" in refused.content.decode()
    known = (clock.now() - DAY).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"{page}complain/", {"subject": "award", "known_at": known, "text": "Second one.",
                                            "evidence": evidence()}).status_code == 302
    response = api(people["complainant"]).post(f"/api/complaints/tenders/{a.tender.pk}/complaints/", {
        "subject": "nonsense", "text": "", "known_at": "never", "against": "x"}, format="json")
    assert response.status_code == 400 and set(response.json()) >= {"subject", "text", "known_at", "against"}
    response = api(people["complainant"]).post(f"/api/complaints/tenders/{a.tender.pk}/complaints/", {
        "subject": "award", "text": "Third.", "known_at": known}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "filed"
    assert Complaint.objects.count() == 3


def test_questions_and_objections_over_the_api_and_the_page():
    b = bidding()
    client = api(b.reader)
    asked = client.post(f"/api/complaints/tenders/{b.tender.pk}/questions/", {"text": "Is 4.2 included?"},
                        format="json")
    assert asked.status_code == 201
    entity = api(b.entity)
    listed = entity.get(f"/api/complaints/tenders/{b.tender.pk}/questions/").json()
    assert listed[0]["text"] == "Is 4.2 included?" and "asker" not in listed[0]
    assert entity.post(f"/api/complaints/questions/{listed[0]['id']}/answer/", {"answer": ""},
                       format="json").status_code == 400
    answered = entity.post(f"/api/complaints/questions/{listed[0]['id']}/answer/", {"answer": "Yes."},
                           format="json")
    assert answered.status_code == 200 and answered.json()["clarification"]
    filed = client.post(f"/api/complaints/tenders/{b.tender.pk}/objections/", {"text": "Clause 7."}, format="json")
    assert filed.status_code == 201
    assert api(b.outsider).post(f"/api/complaints/tenders/{b.tender.pk}/objections/", {"text": "x"},
                                format="json").status_code == 400
    response = entity.post(f"/api/complaints/objections/{filed.json()['id']}/answer/",
                           {"answer": "Kept.", "upheld": False}, format="json")
    assert response.status_code == 200 and response.json()["upheld"] is False
