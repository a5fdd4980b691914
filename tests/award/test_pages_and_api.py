"""The award room over HTTP: who sees and does what on the pages and the API, and clear errors for bad input."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.award.builders import reported
from tests.factories import make_user
from trading.award.models import Award, Objection
from trading.tenders.models import TenderStatus

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_public_sees_the_candidates_and_the_committee_only_once_the_notice_is_out(client):
    a = reported()
    page = f"/award/tender/{a.tender.pk}/"
    names = [seat.expert.full_name for seat in a.tender.committee.seats.filter(status="seated")]
    before = client.get(page).content.decode()
    assert not any(name in before for name in names) and a.bids[0].bidder.name not in before
    a.publish()
    after = client.get(page).content.decode()
    assert all(name in after for name in names) and a.bids[0].bidder.name in after
    assert "980,000.00" in after or "980000.00" in after
    notices = api().get(f"/api/award/tenders/{a.tender.pk}/notices/").json()
    assert notices[0]["body"]["lots"][0]["candidates"][0]["bid_id"] == a.bids[0].pk and notices[0]["signature"]


def test_the_entity_publishes_objections_are_filed_and_answered_and_the_award_is_made_on_the_pages(client):
    a = reported()
    page = f"/award/tender/{a.tender.pk}/"
    client.force_login(a.entity)
    assert "Publish the candidate notice" in client.get(page).content.decode()
    assert client.post(f"{page}publish/").status_code == 302 and a.tender.status == TenderStatus.CANDIDATES
    client.force_login(a.bidders[1])
    refused = client.post(f"{page}object/", {"text": "Look at this.",
                                              "attachments": SimpleUploadedFile("proof.pdf", b"not a pdf")})
    assert refused.status_code == 400 and "not a .pdf file" in refused.content.decode()
    assert client.post(f"{page}object/", {"text": "The first candidate's manager is busy."}).status_code == 302
    objection = Objection.objects.get()
    client.force_login(a.entity)
    assert client.post(f"{page}objection/{objection.pk}/answer/",
                       {"answer": "", "decision": "upheld"}).status_code == 400
    assert client.post(f"{page}objection/{objection.pk}/answer/",
                       {"answer": "Checked: the manager is free.", "decision": "dismissed"}).status_code == 302
    with a.after_notice():
        assert client.post(f"{page}award/", {"bid": a.bids[0].pk}).status_code == 302
    made = Award.objects.get()
    assert client.get(f"/award/notice/{made.pk}.pdf").getvalue().startswith(b"%PDF")
    client.force_login(a.bidders[0])
    assert "Awarded to you" in client.get("/award/results/").content.decode()
    client.force_login(a.bidders[1])
    mine = client.get("/award/results/").content.decode()
    assert "Not awarded" in mine and a.bids[0].bidder.name in mine


def test_bad_input_to_the_api_gets_a_field_error_and_changes_nothing():
    a = reported()
    a.publish()
    entity = api(a.entity)
    for bad in ("abc", -1, 10**30, None, [1], a.bids[0].pk + 1000):
        response = entity.post(f"/api/award/tenders/{a.tender.pk}/awards/", {"bid": bad}, format="json")
        assert response.status_code in (400, 404), (bad, response.status_code)
    early = entity.post(f"/api/award/tenders/{a.tender.pk}/awards/", {"bid": a.bids[0].pk}, format="json")
    assert early.status_code == 400 and "no award before" in str(early.json())
    bidder = api(a.bidders[1])
    response = bidder.post(f"/api/award/tenders/{a.tender.pk}/objections/", {"text": "x" * 20_000}, format="json")
    assert response.status_code == 400 and "text" in response.json()
    with a.after_notice():
        late = bidder.post(f"/api/award/tenders/{a.tender.pk}/objections/", {"text": "Late."}, format="json")
    assert late.status_code == 400
    assert not Award.objects.exists() and not Objection.objects.exists()


@pytest.mark.parametrize("role", ["contractor", "supervisor", "discipline", "expert", "admin", "finance",
                                  "other_entity"])
def test_nobody_but_the_own_entity_publishes_answers_or_awards(role):
    a = reported()
    user = make_user("entity" if role == "other_entity" else role)
    client = api(user)
    assert client.post(f"/api/award/tenders/{a.tender.pk}/notices/").status_code == 403
    a.publish()
    objection = a.object()
    answer = client.post(f"/api/award/objections/{objection.pk}/answer/",
                         {"answer": "Dismissed.", "decision": "dismissed"}, format="json")
    assert answer.status_code == 403
    a.answer(objection)
    with a.after_notice():
        award = client.post(f"/api/award/tenders/{a.tender.pk}/awards/", {"bid": a.bids[0].pk}, format="json")
    assert award.status_code == 403
    assert api().post(f"/api/award/tenders/{a.tender.pk}/awards/", {"bid": a.bids[0].pk},
                      format="json").status_code in (401, 403)
    assert not Award.objects.exists() and a.tender.status == TenderStatus.CANDIDATES


def test_an_objection_is_read_by_its_bidder_the_entity_and_supervisors_only():
    a = reported()
    a.publish()
    objection = a.object(bidder_index=1, attachments=[SimpleUploadedFile("note.txt", b"Licence register extract")])
    attachment = objection.attachments.get()
    readers = {"own bidder": a.bidders[1], "entity": a.entity, "supervisor": make_user("supervisor")}
    for who, user in readers.items():
        listed = api(user).get(f"/api/award/tenders/{a.tender.pk}/objections/").json()
        assert [o["id"] for o in listed] == [objection.pk], who
    for who, user in {"other bidder": a.bidders[0], "outsider": make_user("contractor"),
                      "other entity": make_user("entity")}.items():
        assert api(user).get(f"/api/award/tenders/{a.tender.pk}/objections/").json() == [], who
        client = APIClient()
        client.force_login(user)
        assert client.get(f"/award/attachment/{attachment.pk}/").status_code == 403, who


def test_a_procedure_that_fails_on_its_report_publishes_the_report_and_the_committee(client):
    a = reported(reject=[0, 1])
    names = [seat.expert.full_name for seat in a.tender.committee.seats.filter(status="seated")]
    assert client.get(f"/evaluation/tender/{a.tender.pk}/report/").status_code == 403
    from trading.evaluation.services import fail_for_too_few_bids
    fail_for_too_few_bids(a.call(a.entity), a.tender.pk)
    assert client.get(f"/evaluation/tender/{a.tender.pk}/report/").status_code == 200
    committee = client.get(f"/experts/tender/{a.tender.pk}/").content.decode()
    assert all(name in committee for name in names)


def test_the_entity_tenders_a_failed_procedure_again_over_the_api_and_nobody_else_can():
    a = reported()
    a.publish()
    a.answer(a.object(), decision="upheld", remedy="re_tender")
    url = f"/api/tenders/{a.tender.pk}/retender/"
    assert api(make_user("entity")).post(url).status_code in (403, 404)
    assert api(a.bidders[0]).post(url).status_code in (403, 404)
    created = api(a.entity).post(url)
    assert created.status_code == 201 and created.json()["retender_of"] == a.tender.pk
    assert created.json()["status"] == "draft"
    again = api(a.entity).post(url)
    assert again.status_code == 400 and "tender" in again.json()


def test_times_on_the_report_and_the_award_notice_are_local_and_to_the_minute(client):
    import re

    a = reported()
    a.publish()
    with a.after_notice():
        made = a.award(a.bids[0])
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
    report = client.get(f"/evaluation/tender/{a.tender.pk}/report/").content.decode()
    assert not iso.search(report.split('<section class="card"')[-1].split("Check this report")[0])
    from trading.award.notices import readable_award
    from trading.tenders.rules import when
    assert readable_award(made.body)["awarded_at"] == when(made.awarded_at)
