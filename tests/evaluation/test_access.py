"""Every role against every evaluation page and API endpoint: who is let in, and that nobody else learns anything."""
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import api_token

from trading.accounts.caller import Caller
from trading.evaluation import services
from trading.tenders.models import TenderStatus
from trading.tenders.moves import move_tender

from tests.evaluation.builders import evaluating, only_other
from tests.factories import make_user
from tests.security.test_object_access import body as text
from tests.security.test_object_access import refused

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "representative", "other_member", "expert", "entity", "other_entity",
         "supervisor", "discipline", "admin", "bidder", "contractor")
MEMBERS = {"member", "representative"}
WATCHERS = {"entity", "supervisor", "discipline"}
SECRET_REASON = "Seal missing on page 7 of the bid letter"


@pytest.fixture
def world():
    e = evaluating(prices=["980000.00", "1010000.50", "995500.00", "600000.00"], representative=True,
                   attachment=True)
    other = evaluating()
    people = {
        "member": e.members[1], "representative": e.representative, "other_member": only_other(other, e),
        "expert": make_user("expert"), "entity": e.ceremony.host, "other_entity": make_user("entity"),
        "supervisor": make_user("supervisor"), "discipline": make_user("discipline"), "admin": make_user("admin"),
        "bidder": e.ceremony.bidders[3], "contractor": make_user("contractor"),
    }
    low = e.bids[3]
    query = services.ask_justification(e.call(people["member"]), low.pk, "Explain the asphalt price.")
    data = e.sheet(reject=[low])
    data["reviews"][0] = {"bid": e.bids[0].pk, "verdict": "reject", "ground": "signature_seal",
                          "reason": SECRET_REASON}
    services.save_sheet(e.call(people["member"]), e.tender.pk, data)  # a draft nobody else may read
    return {"e": e, "people": people, "query": query, "low": low, "data": data}


def client_for(world, role, api=False):
    client = Client()
    if role == "anonymous":
        return client
    user = world["people"][role]
    if api:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token(user)}"
    else:
        client.force_login(user)
    return client


def check(world, targets):
    problems = []
    for label, method, url, entitled, secret in targets:
        for role in ROLES:
            client = client_for(world, role, api=url.startswith("/api/"))
            response = getattr(client, method)(url, {} if method == "get" else {"x": "1"})
            if role in entitled:  # a read answers 200; a write with this junk data gets past the permission checks
                if response.status_code != 200 if method == "get" else refused(response):
                    problems.append(f"{label} as {role}: HTTP {response.status_code}, expected to be let in")
            elif not refused(response):
                problems.append(f"{label} as {role}: HTTP {response.status_code}, expected a refusal")
            elif secret and secret in text(response):
                problems.append(f"{label} as {role}: refused but shows {secret!r}")
    assert not problems, "\n".join(problems)


def test_during_the_evaluation(world):
    e = world["e"]
    t, attachment = e.tender.pk, e.bids[0].attachments.get()
    price = "600,000.00"  # decrypted, shown with separators
    check(world, [
        ("desk", "get", reverse("evaluation:desk"), MEMBERS | {"other_member", "expert", "entity", "other_entity"},
         None),
        ("workspace", "get", reverse("evaluation:workspace", args=[t]), MEMBERS, price),
        ("attachment", "get", reverse("evaluation:attachment", args=[attachment.pk]), MEMBERS, "Method statement"),
        # the representative is a user of the tender's entity: progress by seat, never a sheet
        ("overview", "get", reverse("evaluation:overview", args=[t]), WATCHERS | {"representative"}, None),
        ("justifications", "get", reverse("evaluation:justifications"), {"bidder", "contractor"},
         "Explain the asphalt"),
        ("api bids", "get", f"/api/evaluation/tenders/{t}/bids/", MEMBERS, "600000.00"),
        ("api sheet", "get", f"/api/evaluation/tenders/{t}/sheet/", MEMBERS, SECRET_REASON),
        ("api progress", "get", f"/api/evaluation/tenders/{t}/progress/", MEMBERS | WATCHERS, None),
        ("api other sheets", "get", f"/api/evaluation/tenders/{t}/sheets/", set(), SECRET_REASON),
        ("api justifications", "get", "/api/evaluation/justifications/", {"bidder", "contractor"},
         "Explain the asphalt"),
        # writes (with junk data: the services' answers to good data are tested elsewhere)
        ("api ask", "post", f"/api/evaluation/bids/{world['low'].pk}/justification/", MEMBERS, None),
        ("ask", "post", reverse("evaluation:ask", args=[t, world["low"].pk]), MEMBERS, None),
        ("api sign", "post", f"/api/evaluation/tenders/{t}/sheet/sign/", MEMBERS, None),
        ("fail", "post", reverse("evaluation:fail", args=[t]), {"entity", "representative"}, None),
        ("answer", "post", reverse("evaluation:answer", args=[world["query"].pk]), {"bidder"}, None),
        ("api answer", "post", f"/api/evaluation/justifications/{world['query'].pk}/answer/", {"bidder"}, None),
    ])


def test_the_draft_secret_stays_with_its_author(world):
    t = world["e"].tender.pk
    mine = client_for(world, "member", api=True).get(f"/api/evaluation/tenders/{t}/sheet/").json()
    assert SECRET_REASON in str(mine) and mine["submitted_at"] is None
    theirs = client_for(world, "representative", api=True).get(f"/api/evaluation/tenders/{t}/sheet/").json()
    assert theirs["reviews"] == []
    # the representative may not read the others' sheets before signing their own
    assert client_for(world, "representative", api=True).get(f"/api/evaluation/tenders/{t}/sheets/").status_code == 403
    page = text(client_for(world, "representative").get(reverse("evaluation:workspace", args=[t])))
    assert SECRET_REASON not in page
    for role in WATCHERS:
        page = text(client_for(world, role).get(reverse("evaluation:overview", args=[t])))
        assert SECRET_REASON not in page


def test_an_expert_sees_the_bids_only_after_the_opening_record():
    early = evaluating(step="confirming")
    client = Client()
    client.force_login(early.members[0])
    response = client.get(reverse("evaluation:workspace", args=[early.tender.pk]))
    assert response.status_code == 403 and "980,000.00" not in text(response)
    assert "980,000.00" not in text(client.get(reverse("evaluation:desk")))
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token(early.members[0])}")
    assert api.get(f"/api/evaluation/tenders/{early.tender.pk}/bids/").status_code == 403


def sign_everything(world):
    e = world["e"]
    services.answer_justification(e.call(world["people"]["bidder"]), world["query"].pk, "Our own quarry.")
    for member in e.members:
        e.sign(member, reject=[e.bids[0]], reasons={world["low"]: "Quarry invoices convincing."})


def test_the_report_is_not_public_before_the_award(world):
    sign_everything(world)
    t = world["e"].tender.pk
    readers = MEMBERS | WATCHERS
    check(world, [
        ("report", "get", reverse("evaluation:report", args=[t]), readers, "Quarry invoices"),
        ("report pdf", "get", reverse("evaluation:report_pdf", args=[t]), readers, None),
        ("api report", "get", f"/api/evaluation/tenders/{t}/report/", readers, "Quarry invoices"),
        ("api other sheets", "get", f"/api/evaluation/tenders/{t}/sheets/", MEMBERS, "Quarry invoices"),
    ])


def test_after_the_award_everyone_reads_the_report(world):
    sign_everything(world)
    e = world["e"]
    system = Caller.system()
    move_tender(system, e.tender, TenderStatus.CANDIDATES)
    e.tender.winner, e.tender.awarded_amount = e.bids[3].bidder, Decimal("600000.00")
    e.tender.save()
    move_tender(system, e.tender, TenderStatus.AWARDED)
    t = e.tender.pk
    everyone = set(ROLES)
    check(world, [
        ("report", "get", reverse("evaluation:report", args=[t]), everyone, None),
        ("report pdf", "get", reverse("evaluation:report_pdf", args=[t]), everyone, None),
        ("api report", "get", f"/api/evaluation/tenders/{t}/report/", everyone, None),
    ])
    page = text(Client().get(reverse("evaluation:report", args=[t])))
    assert "Quarry invoices convincing." in page and "600,000.00" in page
