"""Each stage of a tender, as the public reads it through the open data API: valid OCDS 1.1, and nothing sealed.

The tenders are made through the real services (the builders); their releases are published by the receivers after
each commit, as on the platform, and read back through the API.
"""
import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from tests.award.builders import reported
from tests.bids.builders import submit
from tests.factories import make_user
from tests.opendata.ocds import assert_valid
from tests.opening.builders import ceremony, lot_ceremony, run_to
from tests.tenders.builders import draft_tender, published_tender
from trading.bids.models import Bid, BidStatus
from trading.bids.opening import services as opening
from trading.opendata.build import ocid_of
from trading.opendata.models import Release
from trading.opendata.services import publish_all, publish_tender
from trading.tenders import clock

pytestmark = pytest.mark.django_db

# A price nobody else uses, to look for in everything published.
SEALED_PRICE = "987654.32"


def ocid(tender):
    return ocid_of(tender)


def releases(tender):
    response = APIClient().get(f"/api/ocds/releases/{ocid(tender)}/")
    assert response.status_code == 200, response.content
    assert_valid("release-package", response.json())
    return response.json()["releases"]


def record(tender):
    response = APIClient().get(f"/api/ocds/records/{ocid(tender)}/")
    assert response.status_code == 200, response.content
    assert_valid("record-package", response.json())
    return response.json()["records"][0]


def everything_published():
    """Every byte the open data API serves: the whole feed, every record."""
    client = APIClient()
    feed = client.get("/api/ocds/releases/", {"since": 0, "limit": 1000})
    records = client.get("/api/ocds/records/", {"limit": 1000})
    assert feed.status_code == records.status_code == 200
    texts = [feed.content.decode(), records.content.decode()]
    for ocid_ in set(Release.objects.values_list("ocid", flat=True)):
        texts.append(client.get(f"/api/ocds/records/{ocid_}/").content.decode())
    return "\n".join(texts)


def test_a_published_tender_is_a_tender_release_with_its_ceiling_budget_and_period(committed):
    with committed():
        tender = published_tender(title="Resurfacing of the ring road", ceiling_price="1000000.00")
    (release,) = releases(tender)
    assert release["ocid"] == ocid(tender) and release["tag"] == ["tender"]
    assert release["tender"]["status"] == "active"
    assert release["tender"]["value"] == {"amount": 1000000.0, "currency": "CNY"}
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["tenderPeriod"]["endDate"] == tender.deadline.isoformat()
    assert release["planning"]["budget"]["amount"]["amount"] == 1200000.0
    assert release["planning"]["budget"]["projectID"] == tender.project.code
    assert release["buyer"]["name"] == tender.project.entity.name
    assert "bids" not in release and "awards" not in release and "tenderers" not in release["tender"]


def test_a_draft_is_never_published(committed):
    with committed():
        tender = draft_tender(title="Unannounced bridge repair")
        published_tender(title="Announced school roof")
    publish_all()
    assert not Release.objects.filter(tender=tender).exists()
    assert APIClient().get(f"/api/ocds/records/{ocid(tender)}/").status_code == 404
    published = everything_published()
    assert "Announced school roof" in published and "Unannounced bridge repair" not in published


def test_sealed_bids_appear_nowhere_before_the_opening(committed):
    with committed():
        tender = published_tender(deadline=clock.now() + dt.timedelta(days=1))
    bidder = make_user("contractor")
    with committed():
        submit(bidder, tender, price=SEALED_PRICE, project_manager="Secret Manager")
    publish_all()  # even a full publication run finds nothing new to say
    (release,) = releases(tender)
    published = everything_published()
    for secret in (SEALED_PRICE, "987654.3", bidder.organisation.name, bidder.organisation.credit_code,
                   "Secret Manager"):
        assert secret not in published
    assert "bids" not in release and "numberOfTenderers" not in release["tender"]


def test_an_opened_tender_publishes_the_opened_bids_with_their_prices(committed):
    with committed():
        c = ceremony(n_bids=3)
        run_to(c, "closed")
    latest = record(c.tender)["compiledRelease"]
    details = latest["bids"]["details"]
    assert sorted(d["value"]["amount"] for d in details) == [980000.0, 995500.0, 1010000.5]
    assert {d["tenderers"][0]["name"] for d in details} == {u.organisation.name for u in c.bidders}
    assert all(d["status"] == "pending" for d in details)  # the committee's verdict is not public yet
    assert latest["tender"]["numberOfTenderers"] == 3
    assert {p["name"] for p in latest["parties"] if "tenderer" in p["roles"]} == {u.organisation.name
                                                                                  for u in c.bidders}
    assert [r["tag"] for r in releases(c.tender)][0] == ["tender"]


def test_a_bid_that_was_not_opened_stays_out_after_the_opening(committed):
    """A lot with too few bids fails at the opening and its bids stay sealed: published neither then nor later."""
    with committed():
        c = lot_ceremony({1: 3, 2: 2})
        run_to(c, "closed")
    sealed = Bid.objects.filter(tender=c.tender, status=BidStatus.LOT_FAILED)
    assert sealed.count() == 2
    latest = record(c.tender)["compiledRelease"]
    assert {d["relatedLots"][0] for d in latest["bids"]["details"]} == {"1"}
    assert {lot["id"]: lot["status"] for lot in latest["tender"]["lots"]} == {"1": "active", "2": "unsuccessful"}
    published = everything_published()
    for bid in sealed:
        assert f"bid-{bid.pk}" not in published


def test_a_failed_opening_is_an_unsuccessful_tender_with_no_bid(committed):
    with committed():
        c = ceremony(n_bids=2, min_bids=3)
    with committed():
        opening.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == "failed"
    latest = record(c.tender)["compiledRelease"]
    assert latest["tender"]["status"] == "unsuccessful"
    assert "980000" not in json.dumps(latest) and not latest.get("bids", {}).get("details")
    assert [r["tag"] for r in releases(c.tender)] == [["tender"], ["tenderUpdate"]]


def test_candidates_then_the_award_per_stage(committed):
    with committed():
        a = reported()
        a.publish()
    latest = record(a.tender)["compiledRelease"]
    (pending,) = latest["awards"]
    assert pending["status"] == "pending" and pending["value"]["amount"] == 980000.0
    assert pending["suppliers"][0]["name"] == a.bidders[0].organisation.name
    assert {d["status"] for d in latest["bids"]["details"]} == {"valid"}
    with committed():
        with a.after_notice():
            award = a.award(a.bids[0])
    history = releases(a.tender)
    latest = history[-1]
    (active,) = latest["awards"]
    assert active["id"] == f"award-{award.pk}" and active["status"] == "active"
    assert active["relatedBid"] == f"bid-{a.bids[0].pk}"
    assert latest["tender"]["status"] == "complete"
    assert latest["tag"] == ["awardUpdate"] and ["award"] in [r["tag"] for r in history]
    supplier = next(p for p in latest["parties"] if p["id"] == active["suppliers"][0]["id"])
    assert "supplier" in supplier["roles"]


def test_each_release_id_belongs_to_its_content(committed):
    with committed():
        c = ceremony(n_bids=3)
    with committed():
        run_to(c, "closed")
    history = releases(c.tender)
    ids = [r["id"] for r in history]
    assert len(ids) == len(set(ids)) >= 2
    before = Release.objects.count()
    assert publish_all() == 0 and publish_tender(c.tender.pk) is None  # same data, no new release
    assert Release.objects.count() == before
    compiled = record(c.tender)["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert {k: v for k, v in compiled.items() if k not in ("id", "tag")} == \
        {k: v for k, v in history[-1].items() if k not in ("id", "tag")}


def test_the_ocid_uses_the_configured_prefix(committed, settings):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "OCID_PREFIX": "ocds-213czf"}
    with committed():
        tender = published_tender()
    (release,) = releases(tender)
    assert release["ocid"] == f"ocds-213czf-{tender.pk}"
    assert release["id"].startswith(f"ocds-213czf-{tender.pk}-")


def test_a_failed_publication_never_undoes_the_change_and_the_command_catches_up(committed, monkeypatch):
    from django.core.management import call_command

    from trading.opendata import services

    def broken(tender):
        raise RuntimeError("storage hiccup")

    monkeypatch.setattr(services, "release_content", broken)
    with committed():
        tender = published_tender(title="Published while open data was down")
    tender.refresh_from_db()
    assert tender.status == "published" and not Release.objects.filter(tender=tender).exists()
    monkeypatch.undo()
    call_command("opendata_publish")
    (release,) = releases(tender)
    assert release["tender"]["title"] == "Published while open data was down"


def test_a_revoked_award_is_cancelled_and_the_next_candidate_is_proposed(committed):
    from trading.award import services as award_services

    with committed():
        a = reported()
        a.publish()
        with a.after_notice():
            award = a.award(a.bids[0])
    with committed():
        with a.after_notice():
            award_services.revoke_award(a.call(a.entity), award.pk, "declined", "The winner declined in writing.")
    latest = releases(a.tender)[-1]
    by_status = {row["status"]: row for row in latest["awards"]}
    assert by_status["cancelled"]["id"] == f"award-{award.pk}"
    # The second-ranked candidate (995500.00) is now the proposed one.
    assert by_status["pending"]["value"]["amount"] == 995500.0
    assert by_status["pending"]["relatedBid"] == f"bid-{a.bids[2].pk}"
    assert latest["tender"]["status"] == "active"
