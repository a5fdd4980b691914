"""Arrival decides, through a real Daphne worker: a submission that reached the server before the deadline
but had to wait past it (another connection holds the lock it needs) is accepted; one that arrived after the
deadline is refused; one that waited longer than the platform allows is answered 503 with nothing stored.
"""
import contextlib
import datetime as dt
import json
import sqlite3
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from tests.factories import api_token, make_user
from tests.realtime.live import daphne, database_url
from tests.tenders.builders import published_tender
from trading.accounts.models import Organisation
from trading.bids.models import Bid

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]
MAX_WAIT = 8  # seconds; generous, so that a loaded machine does not turn the in-time case into a timeout


@contextlib.contextmanager
def bidders_locked(organisation):
    """Hold what a submission of `organisation` must lock: its row (PostgreSQL), the write lock (SQLite)."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=20)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with psycopg.connect(database_url().replace("postgres://", "postgresql://", 1)) as other:
        other.execute(f"SELECT 1 FROM {Organisation._meta.db_table} WHERE id = %s FOR UPDATE", [organisation.pk])
        yield
        other.rollback()


def post_bid(port, token, tender, n):
    body = json.dumps({"tender": tender.pk, "price": f"{1000000 + n}.00", "duration_days": 120, "quality": "Qualified",
                       "project_manager": f"PM {n}", "security_reference": f"BG-{n}"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/bids/", data=body, method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read()), dict(refused.headers)


def sleep_until(moment):
    time.sleep(max(0.0, moment.timestamp() - time.time()))


def test_arrival_not_the_queue_decides_through_a_live_worker():
    waiting, patient, late = (make_user("contractor") for _ in range(3))
    tokens = {user.pk: api_token(user) for user in (waiting, patient, late)}
    with daphne(SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS=str(MAX_WAIT)) as port, ThreadPoolExecutor(2) as pool:
        # Made once the worker is up, so its start-up time does not eat into the schedule below.
        tender = published_tender(deadline=dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=MAX_WAIT + 17))
        deadline = tender.deadline
        # Arrived in good time, but kept waiting longer than the platform allows: 503, nothing stored.
        with bidders_locked(waiting.organisation):
            too_long = pool.submit(post_bid, port, tokens[waiting.pk], tender, 1)
            time.sleep(MAX_WAIT + 2)
        status, body, headers = too_long.result()
        assert status == 503, body
        assert "Nothing was stored" in body["detail"] and headers["Retry-After"] == "1"
        assert not Bid.objects.filter(bidder=waiting.organisation).exists()

        # Arrived 2 s before the deadline, its turn came 1 s after it: accepted, and the receipt says so.
        sleep_until(deadline - dt.timedelta(seconds=3))
        with bidders_locked(patient.organisation):
            sleep_until(deadline - dt.timedelta(seconds=2))
            in_time = pool.submit(post_bid, port, tokens[patient.pk], tender, 2)
            sleep_until(deadline + dt.timedelta(seconds=1))
        status, body, _headers = in_time.result()
        assert status == 201, body
        payload = body["receipt"]["payload"]
        arrived, stored = (dt.datetime.fromisoformat(payload[k]) for k in ("arrived_at", "server_time"))
        assert arrived < deadline < stored
        assert Bid.objects.get(bidder=patient.organisation).received_at == arrived

        # Sent after the deadline, nothing in its way: refused.
        status, body, _headers = post_bid(port, tokens[late.pk], tender, 3)
        assert status == 400 and "arrived at" in body["tender"][0]
        assert not Bid.objects.filter(bidder=late.organisation).exists()
