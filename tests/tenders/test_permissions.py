"""Every role against every tender action: allowed, 403 (may not) or 404 (may not even know it exists).

"other_entity" is an entity user of another organisation: another entity's draft does not exist for
it (404), its published tender is not its to change (403).
"""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from rest_framework.test import APIClient

from tests.factories import make_user
from tests.files import pdf
from trading.accounts.caller import Caller
from trading.tenders import clock, services
from trading.tenders.models import TenderStatus

from .builders import draft_tender, ensure_holder_key, published_tender
from .conftest import as_caller

pytestmark = pytest.mark.django_db
ACTORS = ["contractor", "entity", "other_entity", "supervisor", "discipline", "expert", "admin", "anonymous"]
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(entity_user, supervisor):
    ensure_holder_key(entity_user)
    ensure_holder_key(supervisor)
    draft = draft_tender(entity_user, deadline=clock.now() + 30 * DAY)
    published = published_tender(entity_user, holders=[entity_user, supervisor])
    document = services.upload_document(as_caller(entity_user), published, "Spec",
                                        SimpleUploadedFile("spec.pdf", pdf()))
    users = {"entity": entity_user, "supervisor": supervisor, "other_entity": make_user("entity"),
             "anonymous": None}
    for role in ("contractor", "discipline", "expert", "admin"):
        users[role] = make_user(role)
    return dict(draft=draft, published=published, document=document, users=users,
                holders=[entity_user, supervisor, ensure_holder_key(make_user("supervisor"))], project=draft.project)


def outcome(call):
    try:
        call()
    except PermissionDenied:
        return 403
    except Http404:
        return 404
    return 200


def caller_for(world, actor):
    user = world["users"][actor]
    return Caller() if user is None else as_caller(user)


SERVICE_ACTIONS = {
    "register_project": lambda w, c: services.register_project(c, name="P", project_type="goods", budget=10,
                                                               funding_source="F"),
    "create_tender": lambda w, c: services.create_tender(c, w["project"], title="T", ceiling_price=5,
                                                         bid_security_amount=0),
    "update_draft": lambda w, c: services.update_tender(c, w["draft"], title="Edited"),
    "publish_draft": lambda w, c: services.publish_tender(c, w["draft"], w["holders"]),
    "clarify": lambda w, c: services.add_clarification(c, w["published"], "Answer"),
    "upload_to_draft": lambda w, c: services.upload_document(c, w["draft"], "D",
                                                             SimpleUploadedFile("d.pdf", pdf())),
    "cancel_published": lambda w, c: services.cancel_tender(c, w["published"], "Reason"),
    "cancel_draft": lambda w, c: services.cancel_tender(c, w["draft"], "Reason"),
    "download_document": lambda w, c: services.download_document(c, w["document"]),
}
# Expected outcome per action for actors other than the owning entity (which is always allowed).
SERVICE_EXPECT = {
    "register_project": {"other_entity": 200},
    "create_tender": {"other_entity": 404},
    "update_draft": {"other_entity": 404},
    "publish_draft": {"other_entity": 404},
    "clarify": {"other_entity": 403},
    "upload_to_draft": {"other_entity": 404},
    "cancel_published": {"other_entity": 403},
    "cancel_draft": {"other_entity": 404},
    "download_document": {r: 200 for r in ("contractor", "other_entity", "supervisor", "discipline", "expert",
                                           "admin")},
}


def expected(action, actor):
    if actor == "entity":
        return 200
    return SERVICE_EXPECT[action].get(actor, 403)


@pytest.mark.parametrize("action", list(SERVICE_ACTIONS))
def test_service_matrix(world, action):
    # The owning entity goes last: its call may change the tender the others were refused.
    outcomes = {actor: outcome(lambda: SERVICE_ACTIONS[action](world, caller_for(world, actor)))
                for actor in sorted(ACTORS, key=lambda a: a == "entity")}
    assert outcomes == {actor: expected(action, actor) for actor in ACTORS}


def test_refused_calls_change_nothing(world):
    published, draft = world["published"], world["draft"]
    for actor in ACTORS:
        if actor == "entity":
            continue
        for action in ("update_draft", "publish_draft", "cancel_published", "clarify"):
            outcome(lambda: SERVICE_ACTIONS[action](world, caller_for(world, actor)))
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == TenderStatus.DRAFT and draft.title != "Edited"
    assert published.status == TenderStatus.PUBLISHED and not published.clarifications.exists()


def test_advance_only_by_the_owning_entity(world):
    entity = world["users"]["entity"]
    tender = published_tender(entity, holders=world["holders"], deadline=clock.now() - dt.timedelta(minutes=1))
    for actor in ACTORS:
        if actor == "entity":
            continue
        assert outcome(lambda: services.transition(caller_for(world, actor), tender,
                                                   TenderStatus.BIDDING_CLOSED)) == 403
    services.transition(as_caller(entity), tender, TenderStatus.BIDDING_CLOSED)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.BIDDING_CLOSED


# --- the same rules over HTTP (REST API) -----------------------------------------------

def api_as(world, actor):
    client = APIClient()
    if world["users"][actor] is not None:
        client.force_authenticate(world["users"][actor])
    return client


HTTP_ACTIONS = {
    "read_draft": lambda w, c: c.get(f"/api/tenders/{w['draft'].pk}/"),
    "read_published": lambda w, c: c.get(f"/api/tenders/{w['published'].pk}/"),
    "create_tender": lambda w, c: c.post("/api/tenders/", {"project": w["project"].pk, "title": "T",
                                                           "ceiling_price": "5"}, format="json"),
    "update_draft": lambda w, c: c.patch(f"/api/tenders/{w['draft'].pk}/", {"title": "Edited"}, format="json"),
    "publish_draft": lambda w, c: c.post(f"/api/tenders/{w['draft'].pk}/publish/",
                                         {"key_holders": [u.pk for u in w["holders"]]}, format="json"),
    "clarify": lambda w, c: c.post(f"/api/tenders/{w['published'].pk}/clarify/", {"text": "A"}, format="json"),
    "cancel_published": lambda w, c: c.post(f"/api/tenders/{w['published'].pk}/cancel/", {"reason": "R"},
                                            format="json"),
    "upload_to_draft": lambda w, c: c.post(f"/api/tenders/{w['draft'].pk}/documents/", {
        "title": "D", "file": SimpleUploadedFile("d.pdf", pdf())}, format="multipart"),
    "list_published_documents": lambda w, c: c.get(f"/api/tenders/{w['published'].pk}/documents/"),
    "download_document": lambda w, c: c.get(f"/api/documents/{w['document'].pk}/download/"),
}
HTTP_EXPECT = {
    "read_draft": {"other": 404, "anonymous": 404},
    "read_published": {"other": 200, "anonymous": 200},
    "create_tender": {"other": 403, "other_entity": 400},  # another entity's project is unknown to it
    "update_draft": {"other": 404, "anonymous": 404},
    "publish_draft": {"other": 404, "anonymous": 404},
    "clarify": {"other": 403, "anonymous": 403},
    "cancel_published": {"other": 403, "anonymous": 403},
    "upload_to_draft": {"other": 404, "anonymous": 404},
    "list_published_documents": {"other": 200, "anonymous": 200},
    "download_document": {"other": 200, "anonymous": 403},
}


def expected_http(action, actor):
    rules = HTTP_EXPECT[action]
    want = {200, 201} if actor == "entity" else {rules.get(actor, rules["other"])}
    if want == {200}:
        want = {200, 201}
    # DRF refuses an anonymous write before looking the tender up (401 or 403); it reveals nothing either way.
    if actor == "anonymous" and (403 in want or action not in READS):
        want = {401, 403}
    return want


READS = {"read_draft", "read_published", "list_published_documents", "download_document"}


@pytest.mark.parametrize("action", list(HTTP_ACTIONS))
def test_http_matrix(world, action):
    for actor in sorted(ACTORS, key=lambda a: a == "entity"):
        response = HTTP_ACTIONS[action](world, api_as(world, actor))
        assert response.status_code in expected_http(action, actor), (actor, response.status_code,
                                                                      getattr(response, "data", None))
        if response.status_code >= 400 and hasattr(response, "data"):
            assert response.data  # a message, not an empty body
