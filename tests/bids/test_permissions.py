"""Every role × every bid action, through the API (token auth) and the pages."""
import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.bids.models import Bid, BidStatus
from trading.bids import services
from trading.tenders import services as tender_services

from .builders import CONTENT, after_deadline, api_client, rebuild_key, submit

ROLES = ["anonymous", "owner", "other_contractor", "entity_user", "supervisor", "discipline", "expert",
         "admin_user"]
STAFF = ["entity_user", "supervisor", "discipline", "expert", "admin_user"]


@pytest.fixture
def people(request, contractor):
    found = {"anonymous": None, "owner": contractor}
    for role in ROLES[2:]:
        found[role] = request.getfixturevalue(role)
    return found


@pytest.fixture
def bid(tender, contractor):
    return submit(contractor, tender).bid


def expect(owner, other_contractor, staff, anonymous=403):
    return {"anonymous": anonymous, "owner": owner, "other_contractor": other_contractor,
            **{role: staff for role in STAFF}}


def check_api(people, call, expected, order=ROLES):
    seen = {}
    for role in sorted(order, key=lambda r: r == "owner"):  # the owner last: its call may change the bid
        seen[role] = call(api_client(people[role])).status_code
    assert seen == expected


def test_api_submit(people, tender):
    body = {"tender": tender.pk, **CONTENT}
    check_api(people, lambda c: c.post("/api/bids/", body, format="json"), expect(201, 201, 403))


def test_api_own_bid_list_and_detail(people, bid):
    check_api(people, lambda c: c.get("/api/bids/"), expect(200, 200, 403))
    check_api(people, lambda c: c.get(f"/api/bids/{bid.pk}/"), expect(200, 404, 403))
    check_api(people, lambda c: c.get(f"/api/bids/{bid.pk}/receipt/"), expect(200, 404, 403))


def test_api_withdraw(people, bid):
    check_api(people, lambda c: c.post(f"/api/bids/{bid.pk}/withdraw/"), expect(200, 404, 403))
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN


def test_api_confirm(people, bid, tender, entity_user):
    tender_services.add_clarification(Caller(user=entity_user), tender, "New drawings.", changes_conditions=True)
    check_api(people, lambda c: c.post(f"/api/bids/{bid.pk}/confirm/"), expect(200, 404, 403))
    check_api(people, lambda c: c.get("/api/bids/to-confirm/"), expect(200, 200, 403))


def test_api_submission_signals_only_for_discipline_after_opening(people, bid, tender):
    url = f"/api/tenders/{tender.pk}/submission-signals/"
    everyone_refused = expect(403, 403, 403)
    check_api(people, lambda c: c.get(url), everyone_refused)
    with after_deadline(tender):
        services.open_bids(tender, rebuild_key(tender))
    check_api(people, lambda c: c.get(url), {**everyone_refused, "discipline": 200})
    rows = api_client(people["discipline"]).get(url).json()
    assert rows == [{"bidder": bid.bidder.name, "bidder_credit_code": bid.bidder.credit_code, "version": 1,
                     "status": "opened", "received_at": rows[0]["received_at"], "ip": "198.51.100.7",
                     "user_agent": "pytest-browser/1.0", "device_fingerprint": "fp-1"}]


def page_status(client, user, method, url):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    response = getattr(client, method)(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


def check_pages(client, people, method, url, expected):
    seen = {role: page_status(client, people[role], method, url)
            for role in sorted(ROLES, key=lambda r: r == "owner")}
    assert seen == expected


def test_pages_submit_my_bids_receipt(client, people, bid, tender):
    check_pages(client, people, "get", reverse("bids:submit", args=[tender.pk]), expect(200, 200, 403, "login"))
    check_pages(client, people, "get", reverse("bids:my_bids"), expect(200, 200, 403, "login"))
    check_pages(client, people, "get", reverse("bids:receipt", args=[bid.pk]), expect(200, 404, 403, "login"))
    check_pages(client, people, "get", reverse("bids:receipt_download", args=[bid.pk]),
                expect(200, 404, 403, "login"))
    check_pages(client, people, "get", reverse("bids:verify_receipt"), expect(200, 200, 200, 200))


def test_pages_withdraw_and_confirm(client, people, bid, tender, entity_user):
    tender_services.add_clarification(Caller(user=entity_user), tender, "New drawings.", changes_conditions=True)
    check_pages(client, people, "post", reverse("bids:confirm", args=[bid.pk]), expect(302, 404, 403, "login"))
    check_pages(client, people, "post", reverse("bids:withdraw", args=[bid.pk]), expect(302, 404, 403, "login"))
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN and not bid.needs_reconfirmation


def test_signals_page_only_for_discipline_after_opening(client, people, bid, tender):
    url = reverse("bids:signals", args=[tender.pk])
    check_pages(client, people, "get", url, expect(403, 403, 403, "login"))
    with after_deadline(tender):
        services.open_bids(tender, rebuild_key(tender))
    check_pages(client, people, "get", url, {**expect(403, 403, 403, "login"), "discipline": 200})
    client.force_login(people["discipline"])
    page = client.get(url).content.decode()
    assert "198.51.100.7" in page and "fp-1" in page and bid.bidder.name in page


def _scrub(html):
    html = re.sub(r'name="(csrfmiddlewaretoken|client_key)" value="[^"]*"', "", html)
    return re.sub(r'value="[0-9a-f]{32}"', "", html)


def test_a_contractor_cannot_tell_whether_anyone_else_has_bid(client, tender, contractor, other_contractor):
    client.force_login(other_contractor)
    api = api_client(other_contractor)
    urls = [reverse("bids:submit", args=[tender.pk]), reverse("bids:my_bids"),
            reverse("tenders:detail", args=[tender.pk]), reverse("tenders:list")]
    before = [_scrub(client.get(u).content.decode()) for u in urls]
    api_before = [api.get("/api/bids/").json(), api.get(f"/api/tenders/{tender.pk}/").json()]

    theirs = submit(contractor, tender).bid

    assert [_scrub(client.get(u).content.decode()) for u in urls] == before
    assert [api.get("/api/bids/").json(), api.get(f"/api/tenders/{tender.pk}/").json()] == api_before
    # Someone else's bid answers exactly like a bid that does not exist.
    missing = api.get("/api/bids/999999/")
    for url in (f"/api/bids/{theirs.pk}/", f"/api/bids/{theirs.pk}/receipt/"):
        answer = api.get(url)
        assert (answer.status_code, answer.json()) == (missing.status_code, missing.json())
    answer = api.post(f"/api/bids/{theirs.pk}/withdraw/")
    assert (answer.status_code, answer.json()) == (404, missing.json())
    # Their own bid does not mention or count anyone else's.
    mine = submit(other_contractor, tender)
    assert mine.bid.version == 1
    assert json.dumps(mine.receipt.payload).count(contractor.organisation.credit_code) == 0


def test_administrators_cannot_read_sealed_bids(client, admin_user, bid):
    assert not [model for model in admin.site._registry if model._meta.app_label == "bids"]
    admin_user.is_staff = True  # as the accounts admin makes every administrator
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/bids/bid/").status_code == 404
    assert client.get(f"/admin/bids/bid/{bid.pk}/change/").status_code == 404
    api = api_client(admin_user)
    assert api.get("/api/bids/").status_code == 403
    assert api.get(f"/api/bids/{bid.pk}/").status_code == 403
    assert api.get(f"/api/tenders/{bid.tender_id}/submission-signals/").status_code == 403
    with pytest.raises(Exception):
        services.open_bids(bid.tender, rebuild_key(bid.tender))  # even with the key, not before the deadline
    assert Bid.objects.get(pk=bid.pk).price is None
