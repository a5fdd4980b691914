"""The tenders REST API: public reads with filters, the entity's writes, documents, and the schema."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.factories import api_token
from rest_framework.test import APIClient

from tests.factories import make_user
from tests.files import pdf
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus

from .builders import draft_tender, project, published_tender

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
DRAWINGS = pdf("drawings")


def api(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_public_list_filters_and_hides_drafts(entity_user):
    road = published_tender(entity_user, title="Ring road asphalt")
    pcs = published_tender(make_user("entity"), title="Desktop computers", project_type="goods",
                           description="Forty office machines.", ceiling_price="50000", bid_security_amount="0")
    draft = draft_tender(entity_user, title="Hidden draft")
    body = api().get("/api/tenders/").json()
    titles = {t["title"] for t in body["results"]}
    assert {road.title, pcs.title} <= titles and draft.title not in titles
    assert [t["title"] for t in api().get("/api/tenders/", {"q": "asphalt"}).json()["results"]] == [road.title]
    assert [t["title"] for t in api().get("/api/tenders/", {"type": "goods"}).json()["results"]] == [pcs.title]
    assert [t["title"] for t in api().get("/api/tenders/", {"max_amount": "60000"}).json()["results"]] == [pcs.title]
    by_entity = api().get("/api/tenders/", {"entity": pcs.project.entity_id}).json()["results"]
    assert [t["title"] for t in by_entity] == [pcs.title]
    # The page and the API share one FilterSet; the API says which filter value is bad instead of ignoring it.
    bad = api().get("/api/tenders/", {"min_amount": "x", "entity": "y", "page": "1"})
    assert bad.status_code == 400 and {"min_amount", "entity"} <= set(bad.json())
    assert api().get("/api/tenders/", {"page": "999"}).status_code == 404
    # The owner sees its own draft; nobody else does.
    assert api(entity_user).get(f"/api/tenders/{draft.pk}/").status_code == 200
    assert api(make_user("supervisor")).get(f"/api/tenders/{draft.pk}/").status_code == 404
    assert api().get("/api/tenders/99999999/").status_code == 404
    assert api().get("/api/tenders/not-a-number/").status_code == 404


@pytest.mark.parametrize("params", [{"q": "asph\x00alt"}, {"entity": "9" * 30}, {"entity": "\u0663"}])
def test_odd_search_values_never_break_the_list(entity_user, params):
    road = published_tender(entity_user, title="Ring road asphalt")
    # The page reports the bad value on its field and lists the tenders unfiltered...
    page = api().get("/tenders/", params)
    assert page.status_code == 200 and road.title in page.content.decode()
    # ...the API names the field it cannot use.
    response = api().get("/api/tenders/", params)
    assert response.status_code == 400 and set(response.json()) == set(params)


def test_entity_creates_updates_and_publishes_over_the_api(entity_user, holders):
    own = project(entity_user)
    client = api(entity_user)
    deadline = (clock.now() + 25 * DAY).isoformat()
    response = client.post("/api/tenders/", {
        "project": own.pk, "title": "Bridge", "ceiling_price": "900000.00", "bid_security_amount": "10000",
        "evaluation_method": "scoring", "scoring_weights": {"price": 70, "technical": 30}, "deadline": deadline,
        "lots": [{"title": "Deck", "ceiling_price": "500000"}, {"title": "Piers", "ceiling_price": "400000"}]},
        format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and len(data["lots"]) == 2 and data["scoring_weights"]["price"] == 70
    tender_id = data["id"]
    response = client.patch(f"/api/tenders/{tender_id}/", {"title": "Bridge over the canal"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Bridge over the canal"
    upload = client.post(f"/api/tenders/{tender_id}/documents/", {
        "title": "Drawings", "file": SimpleUploadedFile("drawings.pdf", DRAWINGS)}, format="multipart")
    assert upload.status_code == 201 and upload.json()["version"] == 1
    response = client.post(f"/api/tenders/{tender_id}/publish/", {"key_holders": [h.pk for h in holders],
                                                                  "threshold": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    response = client.post(f"/api/tenders/{tender_id}/clarify/", {"text": "Piers are concrete.",
                                                                  "changes_conditions": True}, format="json")
    assert response.status_code == 201 and response.json()["changes_conditions"] is True
    docs = api().get(f"/api/tenders/{tender_id}/documents/").json()
    assert [d["title"] for d in docs] == ["Drawings"]
    contractor = make_user("contractor")
    download = api(contractor).get(docs[0]["download_url"].replace("http://testserver", ""))
    assert download.status_code == 200 and b"".join(download.streaming_content) == DRAWINGS
    assert client.post(f"/api/tenders/{tender_id}/cancel/", {"reason": "Merged with another"},
                       format="json").json()["status"] == "cancelled"


def test_bad_input_gets_field_messages(entity_user, holders):
    own = project(entity_user)
    client = api(entity_user)
    cases = [
        ({"project": own.pk, "title": "T", "ceiling_price": "-5"}, "ceiling_price"),
        ({"project": own.pk, "title": "T", "ceiling_price": "1e20"}, "ceiling_price"),
        ({"project": own.pk, "title": "T", "ceiling_price": 10**13 + 1}, "ceiling_price"),
        ({"project": own.pk, "title": "T", "ceiling_price": "abc"}, "ceiling_price"),
        ({"project": own.pk, "title": "T", "ceiling_price": "10", "deadline": "2001-01-01T00:00:00Z"}, "deadline"),
        ({"project": own.pk, "title": "T", "ceiling_price": "10", "deadline": "someday"}, "deadline"),
        ({"project": own.pk, "title": ["T"], "ceiling_price": "10"}, "title"),
        ({"project": "one", "title": "T", "ceiling_price": "10"}, "project"),
        ({"project": 99999999, "title": "T", "ceiling_price": "10"}, "project"),
        ({"project": own.pk, "title": "T", "ceiling_price": "10", "evaluation_method": "scoring",
          "scoring_weights": {"price": 50}}, "scoring_weights"),
        ({"project": own.pk, "title": "T", "ceiling_price": "10", "lots": [{"title": "L"}]}, "lots"),
    ]
    for payload, field in cases:
        response = client.post("/api/tenders/", payload, format="json")
        assert response.status_code == 400 and field in response.json(), (payload, response.json())
    raw = client.post("/api/tenders/", f'{{"project": {own.pk}, "title": "T", "ceiling_price": NaN}}',
                      content_type="application/json")
    assert raw.status_code == 400
    assert not Tender.objects.exists()
    tender = draft_tender(entity_user, project_obj=own, deadline=clock.now() + 10 * DAY)
    response = client.post(f"/api/tenders/{tender.pk}/publish/", {"key_holders": [h.pk for h in holders]},
                           format="json")
    assert response.status_code == 400 and "deadline" in response.json()
    response = client.post(f"/api/tenders/{tender.pk}/publish/", {"key_holders": [99999999]}, format="json")
    assert response.status_code == 400 and "key_holders" in response.json()
    wrong = client.post(f"/api/tenders/{tender.pk}/documents/", {
        "title": "X", "file": SimpleUploadedFile("x.pdf", b"MZ not pdf")}, format="multipart")
    assert wrong.status_code == 400 and "file" in wrong.json()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT and not tender.documents.exists()


def test_closed_tenders_refuse_changes(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=5))
    client = api(entity_user)
    response = client.post(f"/api/tenders/{tender.pk}/clarify/", {"text": "Too late"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    response = client.patch(f"/api/tenders/{tender.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_the_schema_generates_and_describes_tenders(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    for path in ("/api/tenders/", "/api/tenders/{id}/publish/", "/api/tenders/{id}/documents/",
                 "/api/documents/{id}/download/", "/api/projects/"):
        assert path in body


def test_the_schema_has_no_warnings_about_tenders():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    assert [m for m in messages if "tenders" in str(m) or "Tender" in str(m) or "Document" in str(m)] == []
