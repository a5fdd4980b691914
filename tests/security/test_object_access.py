"""Every object URL, tried by every role that is not entitled to it and anonymously:
403, 404 or a redirect to the login page, and never the object's data."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.bids.builders import give_holder_key, rebuild_key, submit
from tests.collusion.builders import small_report
from tests.factories import api_token, make_user
from tests.files import pdf
from tests.tenders.builders import draft_tender, published_tender
from trading.accounts.caller import Caller
from trading.bids.services import open_bids
from trading.collusion.services import open_case
from trading.tenders import clock
from trading.tenders import services as tender_services

ROLES = ("anonymous", "owner_contractor", "other_contractor", "owner_entity", "other_entity", "supervisor",
         "discipline", "expert", "admin")
SECRET_DOC = pdf("draft-only-conditions-7f3a9c")


@pytest.fixture
def world(db):
    people = {
        "owner_contractor": make_user("contractor"), "other_contractor": make_user("contractor"),
        "owner_entity": give_holder_key(make_user("entity")), "other_entity": make_user("entity"),
        "supervisor": give_holder_key(make_user("supervisor")), "discipline": make_user("discipline"),
        "expert": make_user("expert"), "admin": make_user("admin"),
    }
    entity = people["owner_entity"]
    tender = published_tender(entity_user=entity, holders=[entity, people["supervisor"]], key_threshold=2,
                              is_public=False, title="Private bridge works")
    bid = submit(people["owner_contractor"], tender, client_key="secret-bid-1").bid
    draft = draft_tender(entity, title="Unpublished sewer works")
    document = tender_services.upload_document(
        Caller(user=entity, ip="127.0.0.1"), draft, "Draft conditions",
        SimpleUploadedFile("conditions.pdf", SECRET_DOC, content_type="application/pdf"))
    collusion = small_report()
    case = open_case(Caller(user=people["discipline"]), flag=collusion["flag"], title="Case about ring 42",
                     note="Witness statement 9d1c")
    return {"people": people, "tender": tender, "bid": bid, "draft": draft, "document": document,
            "collusion": collusion, "case": case}


def targets(w):
    """(label, method, url, roles entitled, text that must not leak to anyone else)."""
    bid, tender, draft, document, case = w["bid"], w["tender"], w["draft"], w["document"], w["case"]
    c = w["collusion"]
    own_bid = {"owner_contractor"}
    own_tender = {"owner_entity"}
    collusion = {"discipline", "admin"}
    return [
        ("receipt page", "get", reverse("bids:receipt", args=[bid.pk]), own_bid, bid.content_digest),
        ("receipt json", "get", reverse("bids:receipt_download", args=[bid.pk]), own_bid, bid.content_digest),
        ("withdraw bid", "post", reverse("bids:withdraw", args=[bid.pk]), own_bid, None),
        ("confirm bid", "post", reverse("bids:confirm", args=[bid.pk]), own_bid, None),
        ("api bid", "get", f"/api/bids/{bid.pk}/", own_bid, bid.content_digest),
        ("api receipt", "get", f"/api/bids/{bid.pk}/receipt/", own_bid, bid.content_digest),
        ("api withdraw", "post", f"/api/bids/{bid.pk}/withdraw/", own_bid, None),
        ("submission signals", "get", reverse("bids:signals", args=[tender.pk]), set(), "198.51.100.7"),
        ("api submission signals", "get", f"/api/tenders/{tender.pk}/submission-signals/", set(),
         "198.51.100.7"),
        ("who downloaded", "get", reverse("tenders:downloads", args=[tender.pk]), {"supervisor", "discipline"},
         None),
        ("draft document", "get", reverse("tenders:document_download", args=[document.pk]), own_tender,
         "draft-only-conditions"),
        ("api draft document", "get", f"/api/documents/{document.pk}/download/", own_tender,
         "draft-only-conditions"),
        ("draft detail", "get", reverse("tenders:detail", args=[draft.pk]), own_tender, "Unpublished sewer"),
        ("api draft tender", "get", f"/api/tenders/{draft.pk}/", own_tender, "Unpublished sewer"),
        ("manage tender", "get", reverse("tenders:manage", args=[tender.pk]), own_tender, None),
        ("edit draft", "post", reverse("tenders:edit", args=[draft.pk]), own_tender, None),
        ("upload document", "post", reverse("tenders:upload", args=[draft.pk]), own_tender, None),
        ("publish", "post", reverse("tenders:publish", args=[draft.pk]), own_tender, None),
        ("clarify", "post", reverse("tenders:clarify", args=[tender.pk]), own_tender, None),
        ("cancel", "post", reverse("tenders:cancel", args=[tender.pk]), own_tender, None),
        ("api cancel", "post", f"/api/tenders/{tender.pk}/cancel/", own_tender, None),
        ("api publish", "post", f"/api/tenders/{draft.pk}/publish/", own_tender, None),
        ("collusion report", "get", reverse("collusion:report", args=[c["report"].pk]), collusion, "Alpha Works"),
        ("collusion group", "get", reverse("collusion:group", args=[c["group"].pk]), collusion, "Alpha Works"),
        ("collusion graph", "get", reverse("collusion:group_graph", args=[c["group"].pk]), collusion,
         "Alpha Works"),
        ("collusion flag", "get", reverse("collusion:flag", args=[c["flag"].pk]), collusion, "Alpha Works"),
        ("collusion report csv", "get", reverse("collusion:report_csv", args=[c["report"].pk]), collusion,
         "Alpha Works"),
        ("case", "get", reverse("collusion:case", args=[case.pk]), {"discipline", "admin"}, "Witness statement"),
        ("case csv", "get", reverse("collusion:case_csv", args=[case.pk]), {"discipline", "admin"},
         "Witness statement"),
        ("case note", "post", reverse("collusion:case_note", args=[case.pk]), {"discipline"}, None),
        ("case status", "post", reverse("collusion:case_status", args=[case.pk]), {"discipline"}, None),
        ("run report", "post", reverse("collusion:run_report"), collusion, None),
        ("audit log", "get", reverse("audit:log"), {"supervisor", "discipline", "admin"}, None),
    ]


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


def api_client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token(world['people'][role])}"
    return client


def refused(response):
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_every_object_url_refuses_every_other_role_and_leaks_nothing(world):
    problems = []
    for label, method, url, entitled, secret in targets(world):
        for role in ROLES:
            if role in entitled:
                continue
            client = api_client_for(world, role) if url.startswith("/api/") else client_for(world, role)
            response = getattr(client, method)(url, {"text": "x", "status": "reviewing", "reason": "x"})
            text = body(response)
            if not refused(response):
                problems.append(f"{label} as {role}: HTTP {response.status_code}")
            elif secret and secret in text:
                problems.append(f"{label} as {role}: refused but the page shows {secret!r}")
    assert not problems, "\n".join(problems)
    # Nothing was changed by the refused writes.
    world["bid"].refresh_from_db()
    world["case"].refresh_from_db()
    assert world["bid"].status == "active" and world["case"].status == "open"
    assert world["case"].notes.count() == 1


def test_the_entitled_role_does_see_the_object(world):
    """The matrix above is not vacuous: the owner gets the data the others never see."""
    bid, document = world["bid"], world["document"]
    contractor = client_for(world, "owner_contractor")
    assert bid.content_digest in contractor.get(reverse("bids:receipt", args=[bid.pk])).content.decode()
    entity = client_for(world, "owner_entity")
    assert b"draft-only-conditions" in b"".join(
        entity.get(reverse("tenders:document_download", args=[document.pk])).streaming_content)
    discipline = client_for(world, "discipline")
    assert "Witness statement" in discipline.get(reverse("collusion:case", args=[world["case"].pk])).content.decode()


def test_submission_signals_stay_hidden_from_discipline_until_the_bids_are_opened(world):
    discipline = client_for(world, "discipline")
    before = discipline.get(reverse("bids:signals", args=[world["tender"].pk]))
    assert refused(before) and "198.51.100.7" not in body(before)
    with clock.frozen_at(world["tender"].deadline + dt.timedelta(minutes=1)):
        open_bids(world["tender"], rebuild_key(world["tender"]))
        after = discipline.get(reverse("bids:signals", args=[world["tender"].pk]))
    assert after.status_code == 200 and "198.51.100.7" in after.content.decode()
