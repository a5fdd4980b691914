"""Every role against the committee pages and API; nobody outside the committee (and not supervising) learns
who sits on it before the candidate notice: not bidders, the entity's other staff, the public or other experts."""
import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import api_token

from tests.factories import make_user
from trading.bids.models import Bid
from trading.experts.models import DrawCommitment, SeatStatus

from .builders import candidates_published, entity_official, make_pool, seated_committee

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "bidder", "other_contractor", "entity", "entity_colleague", "representative", "other_entity",
         "supervisor", "discipline", "seated_expert", "other_expert", "admin")
SEE_NAMES = {"supervisor", "discipline", "representative", "seated_expert"}
SEE_SEED = {"supervisor", "discipline"}


@pytest.fixture
def world(tender):
    entity = entity_official(tender)
    representative = make_user("entity", organisation=tender.project.entity)
    pool = make_pool(7)
    committee = seated_committee(tender, representative=representative, pool=pool)
    seat = committee.seats.filter(expert__isnull=False).select_related("expert", "user").first()
    drawn_ids = set(committee.seats.values_list("expert_id", flat=True))
    outsider = next(p for p in pool if p.pk not in drawn_ids)
    people = {
        "anonymous": None, "bidder": Bid.objects.filter(tender=tender).first().submitted_by,
        "other_contractor": make_user("contractor"), "entity": entity,
        "entity_colleague": make_user("entity", organisation=tender.project.entity),
        "representative": representative, "other_entity": make_user("entity"),
        "supervisor": make_user("supervisor"), "discipline": make_user("discipline"),
        "seated_expert": seat.user, "other_expert": outsider.user, "admin": make_user("admin"),
    }
    names = [s.expert.full_name for s in committee.seats.filter(expert__isnull=False).select_related("expert")]
    return {"tender": tender, "committee": committee, "people": people, "names": names, "seat": seat,
            "secret": DrawCommitment.objects.get(tender=tender).secret}


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_as(user):
    client = Client()
    if user is not None:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token(user)}"
    return client


def shown(page, names):
    return [name for name in names if name in page]


@pytest.mark.parametrize("role", ROLES)
def test_the_committee_page_and_api_name_members_only_to_whom_may_see_them(world, role):
    user, tender = world["people"][role], world["tender"]
    page = client_as(user).get(reverse("experts:committee", args=[tender.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert DrawCommitment.objects.get(tender=tender).commitment in body  # public from the publication on
    assert shown(body, world["names"]) == (world["names"] if role in SEE_NAMES else [])
    assert (world["secret"] in body) == (role in SEE_SEED)
    assert (world["committee"].seed in body) == (role in SEE_SEED)
    data = api_as(user).get(f"/api/committees/{tender.pk}/").json()
    assert data["names_visible"] == (role in SEE_NAMES)
    api_names = [seat["name"] for seat in data["seats"] if seat["name"]]
    assert len(api_names) == (5 if role in SEE_NAMES else 0) and len(data["seats"]) == 5
    assert (data["secret"] is not None) == (data["seed"] is not None) == (role in SEE_SEED)
    assert shown(str(data), world["names"]) == (world["names"] if role in SEE_NAMES else [])


@pytest.mark.parametrize("role", ROLES)
def test_after_the_candidate_notice_everyone_sees_the_members_and_the_secret(world, role):
    candidates_published(world["tender"])
    body = client_as(world["people"][role]).get(reverse("experts:committee", args=[world["tender"].pk])).content.decode()
    assert shown(body, world["names"]) == world["names"] and world["secret"] in body


@pytest.mark.parametrize("role", ROLES)
def test_desks_open_to_their_roles_only(world, role):
    user = world["people"][role]
    client = client_as(user)
    expected = {
        "experts:dashboard": {"seated_expert", "other_expert"},
        "experts:profile": {"seated_expert", "other_expert"},
        "experts:committees": {"entity", "entity_colleague", "representative", "other_entity", "supervisor",
                               "discipline"},
    }
    for name, roles in expected.items():
        status = client.get(reverse(name)).status_code
        if role == "anonymous":
            assert status == 302, name
        else:
            assert (status == 200) == (role in roles) and status in (200, 403), (name, status)
    api = api_as(user)
    for url in ("/api/seats/", "/api/expert-profile/"):
        status = api.get(url).status_code
        assert status == (200 if role in ("seated_expert", "other_expert") else 403)  # DRF: 403 for anonymous too


def test_the_committee_list_shows_the_entity_its_own_tenders_and_supervisors_all(world):
    tender = world["tender"]
    for role, sees in (("entity", True), ("entity_colleague", True), ("other_entity", False), ("supervisor", True)):
        body = client_as(world["people"][role]).get(reverse("experts:committees")).content.decode()
        assert (tender.reference in body) == sees, role


def test_an_expert_sees_only_their_own_assignments(world):
    tender = world["tender"]
    seated = client_as(world["people"]["seated_expert"]).get(reverse("experts:dashboard")).content.decode()
    other = client_as(world["people"]["other_expert"]).get(reverse("experts:dashboard")).content.decode()
    assert tender.reference in seated and tender.reference not in other
    own = api_as(world["people"]["seated_expert"]).get("/api/seats/").json()
    assert [row["id"] for row in own] == [world["seat"].pk]
    assert api_as(world["people"]["other_expert"]).get("/api/seats/").json() == []


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owning_entity_draws_and_only_the_seats_expert_declares(tender, role):
    entity = entity_official(tender)
    make_pool(6)
    people = {"entity": entity, "entity_colleague": make_user("entity", organisation=tender.project.entity)}
    user = people.get(role) or (None if role == "anonymous" else make_user(
        {"bidder": "contractor", "other_contractor": "contractor", "representative": "entity",
         "other_entity": "entity", "seated_expert": "expert", "other_expert": "expert"}.get(role, role)))
    response = api_as(user).post(f"/api/committees/{tender.pk}/draw/", {"specialities": ["building"]},
                                 content_type="application/json")
    may = role in ("entity", "entity_colleague")
    assert response.status_code == (201 if may else 403), response.content
    page = client_as(user).post(reverse("experts:draw", args=[tender.pk]), {"specialities": ["building"]})
    assert page.status_code == (200 if may else 302 if user is None else 403)  # 200: "already drawn" on the form
    if may:
        seat = tender.committee.seats.first()
        assert api_as(user).post(f"/api/seats/{seat.pk}/declare/", {"conflict": False},
                                 content_type="application/json").status_code == 403
        assert api_as(seat.user).post(f"/api/seats/{seat.pk}/declare/", {"conflict": False},
                                      content_type="application/json").json()["status"] == SeatStatus.SEATED


@pytest.mark.parametrize("role", ROLES)
def test_seat_actions_by_everyone_else_find_nothing_or_are_refused(world, role):
    if role in ("entity", "entity_colleague", "seated_expert", "representative"):
        return  # the entity's officials record absences; the seat's expert acts on it
    seat, user = world["seat"], world["people"][role]
    for action in ("declare", "decline", "absent"):
        body = {"conflict": False} if action == "declare" else {"reason": "Not mine to say."}
        status = api_as(user).post(f"/api/seats/{seat.pk}/{action}/", body, content_type="application/json").status_code
        assert status in (403, 404), (action, status)
        page = client_as(user).post(reverse(f"experts:{action}", args=[seat.pk]), body)
        assert page.status_code in ((302,) if user is None else (302, 403, 404))
    seat.refresh_from_db()
    assert seat.status == SeatStatus.SEATED


@pytest.mark.parametrize("role", ["supervisor", "discipline", "admin"])
def test_the_audit_log_names_no_member_before_the_candidate_notice(world, role):
    reader = world["people"][role]
    committee = world["committee"]
    experts = list(committee.seats.filter(expert__isnull=False).select_related("user", "expert"))
    usernames = [s.user.get_username() for s in experts]
    page = client_as(reader).get(reverse("audit:log")).content.decode()
    assert "experts.draw_committee" not in page and "experts.declare_no_conflict" not in page
    assert [u for u in usernames if f">{u}<" in page] == []
    assert shown(page, world["names"]) == []
    assert "experts.commit_draw" in page  # the commitment itself is public
    candidates_published(world["tender"])
    page = client_as(reader).get(reverse("audit:log")).content.decode()
    assert "experts.draw_committee" in page and all(f">{u}<" in page for u in usernames)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owning_entity_draws_vacant_seats_and_only_experts_keep_a_profile(world, role):
    user, tender = world["people"][role], world["tender"]
    fill = api_as(user).post(f"/api/committees/{tender.pk}/fill/")
    # The entity's officials are let through to the service, which finds every seat taken.
    assert fill.status_code == (400 if role in ("entity", "entity_colleague", "representative") else 403)
    for url, body in (("/api/expert-profile/relations/", {"credit_code": "91330100NOTHERE000", "kind": "employed"}),
                      ("/api/expert-profile/relations/1/end/", {"until": "2024-01-01"})):
        status = api_as(user).post(url, body, content_type="application/json").status_code
        expected = (403,) if role not in ("seated_expert", "other_expert") else (400, 404)
        assert status in expected, (url, status)
    patch = api_as(user).patch("/api/expert-profile/", {"on_leave_from": "2030-01-01"}, content_type="application/json")
    assert patch.status_code == (200 if role in ("seated_expert", "other_expert") else 403)
    for name, body in (("experts:availability", {"on_leave_from": "2030-02-01", "on_leave_until": "2030-01-01"}),
                       ("experts:relation_add", {"kind": "x"})):
        status = client_as(user).post(reverse(name), body).status_code
        assert status == (302 if user is None else 200 if role in ("seated_expert", "other_expert") else 403), name


def test_the_api_schema_documents_the_committee_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/committees/{tender_pk}/", "/api/committees/{tender_pk}/draw/", "/api/committees/{tender_pk}/fill/",
                 "/api/seats/", "/api/seats/{seat_pk}/declare/", "/api/seats/{seat_pk}/decline/",
                 "/api/seats/{seat_pk}/absent/", "/api/expert-profile/", "/api/expert-profile/relations/"):
        assert path in schema["paths"], path
