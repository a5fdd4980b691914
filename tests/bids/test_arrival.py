"""The deadline is judged at a submission's arrival, not at its turn (trading.tenders.arrival).

`arrived` is what the server stamps when the whole request has reached it (trading.arrival_stamp); here the tests
set it directly and move the one clock, so "arrived before the deadline, stored after it" is exact.
"""
import asyncio
import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from tests.opening.builders import ceremony
from trading import arrival_stamp
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.bids import services
from trading.bids.models import Bid, Receipt
from trading.bids.opening import services as opening
from trading.tenders import arrival, clock
from trading.tenders.models import TenderStatus

from .builders import api_client, submit

SECOND = dt.timedelta(seconds=1)


def test_a_bid_that_arrived_before_the_deadline_and_waited_past_it_is_accepted(tender, contractor):
    # Its turn comes 5 s after the deadline; it arrived 10 s before its turn, so 5 s before the deadline.
    with clock.frozen_at(tender.deadline + 5 * SECOND):
        submission = submit(contractor, tender, arrived=time.time() - 10)
    bid, payload = submission.bid, submission.receipt.payload
    assert submission.created
    assert bid.received_at < tender.deadline < submission.receipt.issued_at
    # The receipt shows both moments: when the bid reached the platform and when it was stored.
    assert dt.datetime.fromisoformat(payload["arrived_at"]) == bid.received_at
    assert dt.datetime.fromisoformat(payload["server_time"]) == tender.deadline + 5 * SECOND
    assert abs(bid.received_at - (tender.deadline - 5 * SECOND)) < SECOND


def test_a_bid_that_arrived_after_the_deadline_is_refused_however_fast_it_is_served(tender, contractor):
    with clock.frozen_at(tender.deadline + 2 * SECOND), pytest.raises(ValidationError) as refused:
        submit(contractor, tender, arrived=time.time() - 1)  # arrived 1 s after the deadline
    message = refused.value.message_dict["tender"][0]
    assert "arrived at" in message and "Nothing was stored" in message
    assert not Bid.objects.exists() and not Receipt.objects.exists()


def test_a_bid_that_waited_longer_than_the_platform_allows_is_not_stored_and_the_bidder_is_told(tender, contractor):
    wait = arrival.max_wait()
    with clock.frozen_at(tender.deadline + wait), pytest.raises(arrival.WaitedTooLong) as refused:
        submit(contractor, tender, arrived=time.time() - wait.total_seconds() - 1)
    assert "Nothing was stored" in str(refused.value) and "send it again" in str(refused.value)
    assert not Bid.objects.exists() and not Receipt.objects.exists()
    assert not AuditEntry.objects.filter(action="bids.submit").exists()


def test_the_api_answers_a_submission_that_waited_too_long_with_503_and_retry_after(tender, contractor):
    client = api_client(contractor)
    with override_settings(SUNLIGHT={**settings.SUNLIGHT, "SUBMISSION_MAX_WAIT_SECONDS": 0}):
        response = client.post("/api/bids/", {"tender": tender.pk, "price": "1000000.00", "duration_days": 100,
                                              "quality": "Qualified", "project_manager": "PM",
                                              "security_reference": "BG-1"}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["retry"] is True and "Nothing was stored" in response.json()["detail"]
    assert not Bid.objects.exists()


def test_withdrawing_is_judged_at_arrival_too(tender, contractor):
    bid = submit(contractor, tender).bid
    with clock.frozen_at(tender.deadline + 2 * SECOND):
        withdrawn = services.withdraw_bid(Caller(user=contractor, arrived=time.time() - 4), bid.pk)
        assert withdrawn.status == "withdrawn"
        with pytest.raises(ValidationError):
            services.withdraw_bid(Caller(user=contractor, arrived=time.time() - 1), bid.pk)


def test_the_opening_hall_waits_until_every_bid_that_arrived_in_time_is_stored_or_refused(db):
    c = ceremony(deadline_ago=dt.timedelta(0))
    settled = arrival.settled_at(c.tender.deadline)
    with clock.frozen_at(settled - SECOND), pytest.raises(ValidationError) as refused:
        opening.open_room(c.call(c.host), c.tender.pk)
    assert "still being stored" in refused.value.message_dict["step"][0]
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.PUBLISHED
    with clock.frozen_at(settled):
        opening.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.OPENING


async def _stamped(chunks):
    """Run StampArrival over a request whose body comes in `chunks` (delays in seconds); return the stamp."""
    seen = {}

    async def app(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        seen["scope"] = scope

    pending = list(chunks)

    async def receive():
        delay = pending.pop(0)
        await asyncio.sleep(delay)
        return {"type": "http.request", "body": b"x", "more_body": bool(pending)}

    client_header = {"type": "http", "headers": [(b"x-sunlight-arrival", b"0")], "extensions": {}}
    await arrival_stamp.StampArrival(app)(client_header, receive, None)
    return arrival_stamp.read(seen["scope"])


def test_the_server_stamps_arrival_when_the_last_byte_of_the_body_is_in_and_no_header_can_set_it():
    started = time.time()
    stamp = asyncio.run(_stamped([0, 0.2, 0.3]))
    # Not when the request began (a slow upload started before the deadline has not arrived yet), nor the header.
    assert stamp >= started + 0.5
    assert stamp <= time.time()


def _request_with_edge_stamp(value):
    from django.test import RequestFactory

    return RequestFactory().post("/api/bids/", HTTP_X_REQUEST_START=value)


def test_the_edge_stamp_counts_only_where_the_deployment_says_the_proxy_sets_it():
    stamp = f"t={time.time() - 30:.3f}"
    # Not trusted (the default, and `make demo` with no proxy): a client could choose its own arrival.
    with override_settings(SUNLIGHT={**settings.SUNLIGHT, "TRUST_EDGE_ARRIVAL": False}):
        assert arrival_stamp.of_request(_request_with_edge_stamp(stamp)) is None
    with override_settings(SUNLIGHT={**settings.SUNLIGHT, "TRUST_EDGE_ARRIVAL": True}):
        assert abs(arrival_stamp.of_request(_request_with_edge_stamp(stamp)) - (time.time() - 30)) < 1
        # Never in the future, and garbage is no stamp at all.
        assert arrival_stamp.of_request(_request_with_edge_stamp(f"t={time.time() + 3600}")) <= time.time()
        for bad in ("", "t=", "t=nan", "t=-5", "1733241600", "t=abc"):
            assert arrival_stamp.of_request(_request_with_edge_stamp(bad)) is None


def test_a_bid_that_reached_the_proxy_before_the_deadline_is_in_time_behind_a_queue_of_wsgi_workers(tender, contractor):
    client = api_client(contractor)
    body = {"tender": tender.pk, "price": "1000000.00", "duration_days": 100, "quality": "Qualified",
            "project_manager": "PM", "security_reference": "BG-1"}
    with override_settings(SUNLIGHT={**settings.SUNLIGHT, "TRUST_EDGE_ARRIVAL": True}), \
            clock.frozen_at(tender.deadline + 3 * SECOND):
        accepted = client.post("/api/bids/", body, format="json", HTTP_X_REQUEST_START=f"t={time.time() - 5:.3f}")
        late = client.post("/api/bids/", body, format="json", HTTP_X_REQUEST_START=f"t={time.time() - 1:.3f}")
    assert accepted.status_code == 201, accepted.content
    assert dt.datetime.fromisoformat(accepted.json()["receipt"]["payload"]["arrived_at"]) < tender.deadline
    assert late.status_code == 400 and "arrived at" in late.json()["tender"][0]


def test_the_receipt_page_shows_when_the_bid_arrived_and_when_it_was_stored(client, tender, contractor):
    with clock.frozen_at(tender.deadline + 5 * SECOND):
        bid = submit(contractor, tender, arrived=time.time() - 10).bid
    client.force_login(contractor)
    page = client.get(f"/bids/{bid.pk}/receipt/").content.decode()
    local = {name: timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
             for name, moment in (("arrived", bid.received_at), ("stored", bid.receipt.issued_at))}
    assert local["arrived"] != local["stored"]
    assert local["arrived"] in page.split('id="receipt-arrived"')[1].split("</p>")[0]
    assert local["stored"] in page.split('id="receipt-stored"')[1].split("</p>")[0]
