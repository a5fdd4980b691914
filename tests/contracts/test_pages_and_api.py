"""The contract room's pages and API for every role: the permission matrix on every new action, who reads the
attendance, photos, documents and subcontracts, field errors instead of 500s, and the public notice."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_organisation, make_user
from trading.accounts.permissions import ACTION_LABELS, MATRIX
from trading.contracts import services
from trading.contracts.models import Contract

from .builders import TERMS, awarded, call, document, photo

pytestmark = pytest.mark.django_db
ROLES = ["contractor", "entity", "supervisor", "discipline", "expert", "admin", "finance"]
ACTIONS = {
    # action: roles of the matrix
    "contract.conclude": {"entity"},
    "contract.amend": {"entity"},
    "contract.approve": {"supervisor"},
    "contract.progress": {"entity"},
    "contract.rate": {"entity"},
    "contract.check_in": {"contractor"},
    "contract.attendance": {"entity", "supervisor"},
    "contract.subcontract": {"contractor"},
    "contract.watch": {"supervisor", "discipline"},
}


def test_the_matrix_names_every_contract_action_with_its_roles_and_words():
    for action, roles in ACTIONS.items():
        assert {role.value for role in MATRIX[action]} == roles and ACTION_LABELS[action]
    assert {a for a in MATRIX if a.startswith("contract.")} == set(ACTIONS)


@pytest.fixture
def world():
    w = awarded()
    contract = w.conclude()
    pending = w.amend(contract, project_manager="Zhou Qiang", reason="Li Na is on leave.")
    return w, contract, pending


def _uses(w, contract, pending):
    """Every write of the room, for a caller, on another party's contract."""
    code = make_organisation().credit_code
    return {
        "contract.conclude": lambda c: services.conclude_contract(c, w.award.pk, price="1", project_manager="x",
                                                                  duration_days=1, scope="x", warranty_days=1,
                                                                  retention_amount="0"),
        "contract.amend": lambda c: services.amend_contract(c, contract.pk, "r", price="1.00", files=[document()]),
        "contract.approve": lambda c: services.decide_amendment(c, pending.pk, True, "ok"),
        "contract.progress": lambda c: services.record_milestone(c, contract.pk, "Base course"),
        "contract.rate": lambda c: services.rate_contractor(c, contract.pk, 3, "ok"),
        "contract.check_in": lambda c: services.record_attendance(c, contract.pk, "26.1", "119.3", photo()),
        "contract.attendance": lambda c: services.record_attendance(c, contract.pk, present=False),
        "contract.subcontract": lambda c: services.declare_subcontract(c, contract.pk, code, "x", "1.00"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_role_acts_on_a_contract_it_is_no_party_to(world, role):
    w, contract, pending = world
    outsider = make_user(role)
    for action, use in _uses(w, contract, pending).items():
        if action in ("contract.approve", "contract.attendance", "contract.check_in") and role == "supervisor":
            continue  # supervisors approve and record attendance on every contract (a "check-in" of theirs is
            # their record of the day): the next test
        with pytest.raises(PermissionDenied):
            use(call(outsider))


def test_the_parties_and_supervisors_act_as_the_matrix_says(world):
    w, contract, pending = world
    uses = _uses(w, contract, pending)
    uses["contract.approve"](call(w.supervisor))
    uses["contract.progress"](call(w.entity))
    uses["contract.amend"](call(w.entity))
    uses["contract.subcontract"](call(w.winner))
    uses["contract.check_in"](call(w.winner))
    with pytest.raises(PermissionDenied):  # the entity is no contractor: it records, never checks in
        services.declare_subcontract(call(w.entity), contract.pk, make_organisation().credit_code, "x", "1.00")
    with pytest.raises(PermissionDenied):
        services.decide_amendment(call(w.entity), pending.pk, True, "mine")


def _client(user=None):
    from django.test import Client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_contract_page_is_public_and_its_checks_are_for_the_parties_and_supervisors(world):
    w, contract, _pending = world
    attendance = w.check_in(contract)
    url = reverse("contracts:detail", args=[contract.pk])
    public = _client().get(url).content.decode()
    assert contract.reference in public and "Li Na is on leave." in public and "Zhou Qiang" in public
    assert 'id="attendance"' not in public and 'id="flags"' not in public
    for user in (w.entity, w.winner, w.supervisor, make_user("discipline")):
        page = _client(user).get(url).content.decode()
        assert 'id="attendance"' in page and reverse("contracts:photo", args=[attendance.pk]) in page
        assert 'id="flags"' in page and "Awaiting the supervisor" in page
    for user in (w.bidders[1], make_user("entity"), make_user("expert"), make_user("admin")):
        page = _client(user).get(url).content.decode()
        assert 'id="attendance"' not in page
        assert _client(user).get(reverse("contracts:photo", args=[attendance.pk])).status_code == 403
    assert _client(w.supervisor).get(reverse("contracts:photo", args=[attendance.pk])).status_code == 200
    document_pk = contract.amendments.get().documents.get().pk
    assert _client(w.winner).get(reverse("contracts:document", args=[document_pk])).status_code == 200
    assert _client(w.bidders[1]).get(reverse("contracts:document", args=[document_pk])).status_code == 403
    assert _client().get(reverse("contracts:list")).status_code == 200
    assert _client(w.winner).get(reverse("contracts:check_in", args=[contract.pk])).status_code == 200
    assert _client(w.bidders[1]).get(reverse("contracts:check_in", args=[contract.pk])).status_code == 403


def test_the_entity_concludes_on_its_page_and_bad_input_comes_back_with_field_errors():
    w = awarded()
    url = reverse("contracts:conclude", args=[w.award.pk])
    assert _client(make_user("entity")).get(url).status_code == 403
    assert _client(w.winner).get(url).status_code == 403
    client = _client(w.entity)
    form = client.get(url).content.decode()
    assert 'value="980000.00"' in form and 'value="Li Na"' in form
    bad = client.post(url, dict(TERMS, price="990000.00", project_manager="Li Na", retention_amount="0.00"))
    assert bad.status_code == 400 and "state why" in bad.content.decode() and not Contract.objects.exists()
    good = client.post(url, dict(TERMS, price="980000.00", project_manager="Li Na"))
    contract = Contract.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("contracts:detail", args=[contract.pk])
    tender_page = _client().get(reverse("contracts:tender", args=[w.tender.pk])).content.decode()
    assert contract.reference in tender_page


def test_amendment_and_check_in_pages_take_their_files():
    w = awarded()
    contract = w.conclude()
    client = _client(w.entity)
    missing = client.post(reverse("contracts:amend", args=[contract.pk]), {"reason": "More kerbs.",
                                                                           "price": "990000.00"})
    assert missing.status_code == 400 and "supplementary agreement" in missing.content.decode()
    done = client.post(reverse("contracts:amend", args=[contract.pk]), {"reason": "More kerbs.", "price": "990000.00",
                                                                        "documents": [document()]})
    assert done.status_code == 302 and contract.amendments.count() == 1
    phone = _client(w.winner)
    url = reverse("contracts:check_in", args=[contract.pk])
    refused = phone.post(url, {"latitude": "", "longitude": ""})
    assert refused.status_code == 400 and "share its location" in refused.content.decode()
    ok = phone.post(url, {"latitude": "26.0745", "longitude": "119.2965", "photo": photo()})
    assert ok.status_code == 302 and contract.attendance.get().photo_sha256


def test_the_api_concludes_amends_checks_in_and_answers_bad_input_per_field():
    w = awarded()
    entity = APIClient()
    entity.force_authenticate(w.entity)
    bad = entity.post("/api/contracts/", {"award": w.award.pk, "price": "abc", "project_manager": ["x"],
                                          "duration_days": True}, format="json")
    assert bad.status_code == 400 and {"price", "project_manager", "duration_days", "scope"} <= set(bad.json())
    assert entity.post("/api/contracts/", {"award": 10**12}, format="json").status_code == 404
    made = entity.post("/api/contracts/", dict(TERMS, award=w.award.pk, price="980000.00", project_manager="Li Na"),
                       format="json")
    assert made.status_code == 201 and made.json()["body"]["format"] == "sunlight-contract-notice/1"
    pk = made.json()["id"]
    amended = entity.post(f"/api/contracts/{pk}/amendments/", {"reason": "More kerbs.", "price": "1000000.00",
                                                               "documents": [document()]}, format="multipart")
    assert amended.status_code == 201 and amended.json()["price_after"] == "1000000.00"
    public = APIClient().get(f"/api/contracts/{pk}/").json()
    assert public["current_price"] == "1000000.00" and public["amendments"][0]["documents"] == []
    assert APIClient().get(f"/api/contracts/{pk}/attendance/").status_code in (401, 403)
    phone = APIClient()
    phone.force_authenticate(w.winner)
    checked = phone.post(f"/api/contracts/{pk}/attendance/", {"latitude": "26.07", "longitude": "119.29",
                                                              "photo": photo()}, format="multipart")
    assert checked.status_code == 201 and checked.json()["source"] == "check_in"
    assert phone.get(f"/api/contracts/{pk}/attendance/").json()["days"][0]["manager"] == "Li Na"
    other = APIClient()
    other.force_authenticate(w.bidders[1])
    assert other.get(f"/api/contracts/{pk}/attendance/").status_code == 403
    assert other.get(f"/api/contracts/{pk}/subcontracts/").status_code == 403
    declared = phone.post(f"/api/contracts/{pk}/subcontracts/", {
        "subcontractor": w.bidders[1].organisation.credit_code, "scope": "Kerbs", "amount": "1000.00"}, format="json")
    assert declared.status_code == 201 and declared.json()["losing_bidder"] is True
    rating = entity.post(f"/api/contracts/{pk}/rating/", {"rating": "4", "note": "Good."}, format="json")
    assert rating.status_code == 400 and "accepted" in rating.json()["rating"][0]
    supervisor = APIClient()
    supervisor.force_authenticate(w.supervisor)
    decided = supervisor.post(f"/api/contracts/amendments/{amended.json()['id']}/decision/",
                              {"approve": "maybe"}, format="json")
    assert decided.status_code == 400


def test_the_entity_walks_final_accounts_and_retention_on_the_page_and_each_party_finds_its_contracts():
    import datetime as dt

    from trading.tenders import clock

    w = awarded()
    contract = w.conclude(warranty_days=5)
    w.to_acceptance(contract)
    client = _client(w.entity)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert reverse("contracts:settle", args=[contract.pk]) in page
    assert reverse("contracts:rate", args=[contract.pk]) in page
    over = client.post(reverse("contracts:settle", args=[contract.pk]), {"final_amount": "990000.00"})
    assert over.status_code == 400 and "state why" in over.content.decode()
    assert client.post(reverse("contracts:settle", args=[contract.pk]), {"final_amount": "975000.00"}).status_code == 302
    early = client.post(reverse("contracts:release", args=[contract.pk]), {"reference": "RET-1"})
    assert early.status_code == 400 and "held until" in early.content.decode()
    with clock.shifted(dt.timedelta(days=6)):
        assert client.post(reverse("contracts:release", args=[contract.pk]), {"reference": "RET-1"}).status_code == 302
    contract.refresh_from_db()
    assert contract.status == "closed"
    for user in (w.entity, w.winner, w.supervisor):
        assert contract.reference in _client(user).get(reverse("contracts:mine")).content.decode()
    assert contract.reference not in _client(w.bidders[1]).get(reverse("contracts:mine")).content.decode()
    assert _client().get(reverse("contracts:mine")).status_code == 302
