"""The evaluation through its pages and its API, as members, the entity, supervisors and bidders use it."""
import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from tests.factories import api_token

from trading.evaluation import services
from trading.evaluation.models import Justification, Report, Review, Sheet
from trading.tenders import clock
from trading.tenders.models import TenderStatus

from tests.evaluation.builders import evaluating
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WEIGHTS = {"price": 60, "technical": 30, "service": 10}


def browser(user, language=None):
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def api(user):
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def form_data(e, scores=None, **override):
    data = {}
    for bid in e.bids:
        data[f"bid_{bid.pk}_verdict"] = "pass"
        for criterion, value in (scores or {}).items():
            data[f"bid_{bid.pk}_score_{criterion}"] = value
    data.update(override)
    return data


def test_a_member_reviews_saves_and_signs_on_the_page():
    e = evaluating(evaluation_method="scoring", scoring_weights=WEIGHTS, attachment=True)
    member = browser(e.members[0])
    url = reverse("evaluation:workspace", args=[e.tender.pk])
    page = member.get(url).content.decode()
    for words in ("980,000.00", "1,010,000.50", "Manager 1", "Attachment 1", "Sign the sheet (final)",
                  "technical (0–30)"):
        assert words in page, words
    # a draft
    response = member.post(url, {**form_data(e), "save": "1"})
    assert response.status_code == 302
    assert Sheet.objects.get(member=e.members[0]).submitted_at is None
    # out of range: the page says so on the field, nothing is signed
    bad = form_data(e, scores={"technical": "31", "service": "5"})
    page = member.post(url, {**bad, "sign": "1"}).content.decode()
    assert "Enter a score from 0 to 30." in page
    assert not Sheet.objects.filter(submitted_at__isnull=False).exists()
    # signed
    good = form_data(e, scores={"technical": "25.5", "service": "8"})
    assert member.post(url, {**good, "sign": "1"}).status_code == 302
    sheet = Sheet.objects.get(member=e.members[0])
    assert sheet.submitted and Review.objects.filter(sheet=sheet).count() == 3
    page = member.get(url).content.decode()
    assert "My sheet, signed" in page and sheet.digest in page and "No other member has signed yet." in page
    # signing again changes nothing
    page = member.post(url, {**form_data(e, scores={"technical": "1", "service": "1"}), "sign": "1"})
    assert Review.objects.get(sheet=sheet, bid=e.bids[0]).scores == {"technical": "25.50", "service": "8.00"}
    attachment = e.bids[0].attachments.get()
    download = member.get(reverse("evaluation:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content).startswith(b"Method statement")
    assert "method statement.txt" in download["Content-Disposition"]


def test_the_desk_lists_the_members_tenders():
    e = evaluating()
    services.save_sheet(e.call(e.members[1]), e.tender.pk, e.sheet())
    e.sign(e.members[0])
    assert "Signed" in browser(e.members[0]).get(reverse("evaluation:desk")).content.decode()
    assert "Draft saved" in browser(e.members[1]).get(reverse("evaluation:desk")).content.decode()
    assert "Not started" in browser(e.members[2]).get(reverse("evaluation:desk")).content.decode()
    assert e.tender.reference not in browser(make_user("expert")).get(reverse("evaluation:desk")).content.decode()


def test_a_low_price_is_queried_and_answered_through_the_pages():
    e = evaluating(prices=["980000.00", "1010000.00", "995000.00", "600000.00"])
    low, bidder = e.bids[3], e.ceremony.bidders[3]
    member = browser(e.members[0])
    page = member.get(reverse("evaluation:workspace", args=[e.tender.pk])).content.decode()
    assert "Abnormally low price" in page and "717,000.00" in page
    member.post(reverse("evaluation:ask", args=[e.tender.pk, low.pk]), {"question": "Explain the asphalt."})
    query = Justification.objects.get(bid=low)
    own = browser(bidder)
    page = own.get(reverse("evaluation:justifications")).content.decode()
    assert "Explain the asphalt." in page and "600,000.00" in page and "Send the justification" in page
    assert "Explain the asphalt." not in browser(e.ceremony.bidders[0]).get(
        reverse("evaluation:justifications")).content.decode()
    page = own.post(reverse("evaluation:answer", args=[query.pk]), {"answer": ""}).content.decode()
    assert "This field is required." in page
    assert own.post(reverse("evaluation:answer", args=[query.pk]), {"answer": "Own quarry."}).status_code == 302
    query.refresh_from_db()
    assert query.answer == "Own quarry."
    assert "Own quarry." in member.get(reverse("evaluation:workspace", args=[e.tender.pk])).content.decode()


def test_a_late_answer_is_refused_on_the_page_with_the_reason():
    e = evaluating(prices=["980000.00", "1010000.00", "995000.00", "600000.00"])
    query = services.ask_justification(e.call(e.members[0]), e.bids[3].pk, "Explain.")
    own = browser(e.ceremony.bidders[3])
    with clock.shifted(dt.timedelta(days=3)):
        assert "Not answered in time" in own.get(reverse("evaluation:justifications")).content.decode()
        page = own.post(reverse("evaluation:answer", args=[query.pk]), {"answer": "Late."}).content.decode()
    assert "too late" in page
    query.refresh_from_db()
    assert not query.answered


def test_the_entity_follows_by_seat_and_ends_a_failed_procedure():
    e = evaluating()
    e.sign(e.members[1])
    entity = browser(e.ceremony.host)
    url = reverse("evaluation:overview", args=[e.tender.pk])
    page = entity.get(url).content.decode()
    name = e.members[0].expert_profile.full_name
    assert "(name not shown)" in page and name not in page
    assert page.count("not yet") == 4
    supervisor_page = browser(make_user("supervisor")).get(url).content.decode()
    assert name in supervisor_page  # the experts app shows names to supervisors
    for member in e.members:
        if member != e.members[1]:
            e.sign(member, reject=[e.bids[0]])
        else:
            continue
    assert Report.objects.get(tender=e.tender).outcome == "failed"
    page = entity.get(url).content.decode()
    assert "Too few valid bids: the procedure fails" in page and "End the procedure" in page
    assert entity.post(reverse("evaluation:fail", args=[e.tender.pk])).status_code == 302
    e.tender.refresh_from_db()
    assert e.tender.status == TenderStatus.FAILED
    report = entity.get(reverse("evaluation:report", args=[e.tender.pk])).content.decode()
    assert "Bill of quantities incomplete." in report and "Member 2 disagreed on" in report


def test_the_sheet_through_the_api():
    e = evaluating(evaluation_method="scoring", scoring_weights=WEIGHTS)
    client = api(e.members[0])
    base = f"/api/evaluation/tenders/{e.tender.pk}"
    bids = client.get(f"{base}/bids/").json()
    assert [b["price"] for b in bids] == ["980000.00", "1010000.50", "995500.00"]
    assert client.get(f"{base}/sheet/").json() == {"tender": e.tender.pk, "submitted_at": None, "digest": "",
                                                   "reviews": []}
    scores = {bid: {"technical": 30.5, "service": "5"} for bid in e.bids}
    response = client.post(f"{base}/sheet/sign/", e.sheet(scores=scores), content_type="application/json")
    assert response.status_code == 400
    assert response.json()[f"bid_{e.bids[0].pk}_score_technical"] == ["Enter a score from 0 to 30."]
    scores = {bid: {"technical": 20.25, "service": "5"} for bid in e.bids}
    draft = client.put(f"{base}/sheet/", e.sheet(scores=scores), content_type="application/json")
    assert draft.status_code == 200 and draft.json()["reviews"][0]["scores"] == {"technical": "20.25",
                                                                                "service": "5.00"}
    signed = client.post(f"{base}/sheet/sign/", content_type="application/json")
    assert signed.status_code == 200 and len(signed.json()["digest"]) == 64
    again = client.post(f"{base}/sheet/sign/", e.sheet(scores=scores), content_type="application/json")
    assert again.status_code == 400 and "sheet" in again.json()
    assert client.get(f"{base}/sheets/").json() == []


def test_justification_through_the_api():
    e = evaluating(prices=["980000.00", "1010000.00", "995000.00", "600000.00"])
    low, bidder = e.bids[3], e.ceremony.bidders[3]
    asked = api(e.members[0]).post(f"/api/evaluation/bids/{low.pk}/justification/", {"question": "Why?"},
                                   content_type="application/json")
    assert asked.status_code == 201 and asked.json()["state"] == "awaiting_answer"
    own = api(bidder)
    [query] = own.get("/api/evaluation/justifications/").json()
    assert query["question"] == "Why?"
    with clock.shifted(dt.timedelta(days=2, hours=1)):
        late = own.post(f"/api/evaluation/justifications/{query['id']}/answer/", {"answer": "Late"},
                        content_type="application/json")
    assert late.status_code == 400 and "too late" in late.json()["answer"][0]
    assert own.get("/api/evaluation/justifications/").json()[0]["state"] == "awaiting_answer"

