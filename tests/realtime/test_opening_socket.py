"""The opening hall's websocket with channels' WebsocketCommunicator: who may watch, what each sees, bad input."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from trading.bids.opening import services
from trading.bids.opening.models import OpeningEvent
from trading.realtime.auth import SessionOrTicketAuthMiddleware
from trading.realtime.consumers import OpeningConsumer

from tests.bids.builders import HOLDER_PASSPHRASE
from tests.factories import make_user
from tests.opening.builders import ceremony, run_to
from tests.realtime.helpers import ORIGIN, command, connect, frame, quiet, ticket_for, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def c(transactional_db):
    return ceremony(is_public=False)


@pytest.fixture
def public_c(transactional_db):
    return ceremony(is_public=True)


def event_count(tender):
    return OpeningEvent.objects.filter(tender=tender).count()


async def closed_with(communicator):
    item = await frame(communicator)
    assert item["type"] == "closed"
    return item["code"]


# --- refusals --------------------------------------------------------------------------

async def test_everyone_without_a_part_in_a_closed_tender_is_refused_with_4403(c):
    outsiders = [None, await database_sync_to_async(make_user)("contractor"),
                 await database_sync_to_async(make_user)("expert"), await database_sync_to_async(make_user)("entity"),
                 await database_sync_to_async(make_user)("admin")]
    for user in outsiders:
        communicator = await connect(c.tender.pk, user)
        assert await closed_with(communicator) == 4403, user


async def test_an_unknown_tender_or_a_draft_is_refused_with_4404(c):
    from tests.tenders.builders import draft_tender

    draft = await database_sync_to_async(draft_tender)(c.host)
    for tender_id in (999999, draft.pk):
        communicator = await connect(tender_id, c.host)
        assert await closed_with(communicator) == 4404


async def test_an_unlisted_origin_is_refused_before_the_handshake(c):
    from tests.realtime.helpers import application

    ticket = await database_sync_to_async(ticket_for)(c.host)
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?ticket={ticket}",
                                         headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_session_cookie_authenticates_as_well_as_a_token(c):
    from django.test import Client

    from tests.factories import PASSWORD
    from tests.realtime.helpers import application

    def login():
        client = Client()
        assert client.login(username=c.host.username, password=PASSWORD)
        return client.cookies["sessionid"].value

    session_id = await database_sync_to_async(login)()
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/",
                                         headers=[ORIGIN, (b"cookie", f"sessionid={session_id}".encode())])
    assert (await communicator.connect())[0]
    snapshot = await frame(communicator)
    assert snapshot["type"] == "snapshot" and snapshot["viewer"]["role"] == "host"
    await communicator.disconnect()


# --- what each viewer sees ---------------------------------------------------------------

async def test_each_viewer_sees_its_audience_and_events_arrive_in_order_with_their_predecessor(public_c):
    c = public_c
    host = await connect(c.tender.pk, c.host)
    supervisor = await connect(c.tender.pk, c.supervisors[0])
    bidder = await connect(c.tender.pk, c.bidders[0])
    public = await connect(c.tender.pk, None)
    for communicator, role in ((host, "host"), (supervisor, "supervisor"), (bidder, "bidder"), (public, "public")):
        snapshot = await frame(communicator)
        assert snapshot["type"] == "snapshot" and snapshot["state"] == "waiting" and snapshot["events"] == []
        assert snapshot["viewer"]["role"] == role

    assert (await command(host, "open_room", "h1"))["type"] == "result"

    def rest_of_ceremony():
        t = c.tender.pk
        for user in c.bidders:
            services.sign_in(c.call(user), t)
        services.present_share(c.call(c.host), t, HOLDER_PASSPHRASE)
        services.present_share(c.call(c.supervisors[1]), t, HOLDER_PASSPHRASE)
        for _ in range(4):
            services.announce_next(c.call(c.host), t)
        services.raise_objection(c.call(c.bidders[1]), t, "Bid 2's duration was misread")

    await database_sync_to_async(rest_of_ceremony)()
    from datetime import timedelta

    from trading.tenders import clock

    def overrun():
        with clock.shifted(timedelta(hours=2)):
            return services.check_time_limits(c.tender.pk)

    assert await database_sync_to_async(overrun)() == ["alarm"]
    total = await database_sync_to_async(event_count)(c.tender)

    async def stream(communicator, last_kind="alarm"):
        frames = [f for f in await until(communicator, last_kind) if f["type"] == "event"]
        return frames

    officials = await stream(host)
    assert [f["event"]["seq"] for f in officials] == list(range(1, total + 1))
    assert [f["prev"] for f in officials] == list(range(0, total))
    assert [f["event"]["seq"] for f in await stream(supervisor)] == list(range(1, total + 1))

    bidder_frames = await stream(bidder, "objection_raised")
    assert "alarm" not in [f["event"]["kind"] for f in bidder_frames]
    assert bidder_frames[-1]["event"]["payload"]["text"] == "Bid 2's duration was misread"
    assert await quiet(bidder)  # the officials-only alarm never reaches a bidder

    public_frames = await stream(public, "ceiling_announced")
    kinds = [f["event"]["kind"] for f in public_frames]
    assert "bid_announced" in kinds and "objection_raised" not in kinds
    assert all(b["prev"] == a["event"]["seq"] for a, b in zip(public_frames, public_frames[1:]))
    assert await quiet(public)
    for communicator in (host, supervisor, bidder, public):
        await communicator.disconnect()


async def test_a_reconnecting_client_gets_only_what_it_missed_and_resume_replays_on_request(public_c):
    c = public_c
    await database_sync_to_async(run_to)(c, "signing_in")
    total = await database_sync_to_async(event_count)(c.tender)
    late = await connect(c.tender.pk, c.supervisors[0], after=2)
    snapshot = await frame(late)
    assert [e["seq"] for e in snapshot["events"]] == list(range(3, total + 1))
    assert snapshot["after"] == 2 and snapshot["last_seq"] == total

    await late.send_json_to({"type": "resume", "after": 1})
    frames = await until(late, "resumed")
    assert [f["event"]["seq"] for f in frames if f["type"] == "event"] == list(range(2, total + 1))
    assert frames[0]["prev"] == 1 and frames[-1] == {"type": "resumed", "after": 1, "count": total - 1,
                                                     "last_seq": total}
    await database_sync_to_async(services.present_share)(c.call(c.host), c.tender.pk, HOLDER_PASSPHRASE)
    following = [f for f in await until(late, "share_presented") if f["type"] == "event"]
    assert following[0]["prev"] == total and following[0]["event"]["seq"] == total + 1
    await late.disconnect()


# --- commands and bad input --------------------------------------------------------------

async def test_bad_frames_wrong_roles_wrong_steps_and_replays_get_an_error_frame_and_change_nothing(c):
    host = await connect(c.tender.pk, c.host)
    bidder = await connect(c.tender.pk, c.bidders[0])
    await frame(host), await frame(bidder)

    async def error(communicator, raw):
        await communicator.send_to(text_data=raw)
        while True:
            item = await frame(communicator)
            if item["type"] == "error":
                return item["code"]

    assert await error(host, "{not json") == "malformed"
    assert await error(host, "[1, 2]") == "malformed"
    assert await error(host, json.dumps({"kind": "open_room"})) == "malformed"
    assert await error(host, json.dumps({"type": "open_room"})) == "malformed"  # no command id
    assert await error(host, json.dumps({"type": "open_room", "id": "x" * 65})) == "malformed"
    assert await error(host, json.dumps({"type": "open_room", "id": "a", "args": [1]})) == "malformed"
    assert await error(host, json.dumps({"type": "resume", "after": "yesterday"})) == "malformed"
    assert await error(host, json.dumps({"type": "teleport", "id": "t1"})) == "unknown_type"
    assert await error(host, "x" * 20000) == "malformed"

    assert (await command(bidder, "open_room", "b1"))["code"] == "forbidden"
    assert (await command(bidder, "sign_in", "b2"))["code"] == "invalid"  # the room is not open yet
    assert (await command(host, "announce_next", "h0"))["code"] == "invalid"
    assert await database_sync_to_async(event_count)(c.tender) == 0

    assert (await command(host, "open_room", "h1")) == {"type": "result", "id": "h1", "ok": True,
                                                         "command": "open_room"}
    replay = await command(host, "open_room", "h1")
    assert replay["type"] == "result" and replay["replayed"] is True
    assert (await command(host, "pause", "h1", reason="x"))["code"] == "invalid"  # an id reused for another command
    assert (await command(bidder, "sign_in", "b3"))["type"] == "result"
    assert (await command(bidder, "sign_in", "b3"))["replayed"] is True
    assert (await command(bidder, "sign_in", "b4"))["code"] == "invalid"  # a second sign-in
    assert (await command(bidder, "present_share", "b5", passphrase="guess"))["code"] == "forbidden"
    wrong = await command(host, "present_share", "h2", passphrase="wrong passphrase")
    assert wrong["code"] == "invalid" and "passphrase" in wrong["errors"]
    assert (await command(host, "pause", "h3", reason=""))["code"] == "invalid"
    assert (await command(host, "answer", "h4", objection=12345, answer="?"))["code"] == "invalid"
    assert await database_sync_to_async(event_count)(c.tender) == 2  # room_opened and one signed_in

    assert (await command(host, "present_share", "h5", passphrase=HOLDER_PASSPHRASE))["type"] == "result"
    await host.disconnect()
    await bidder.disconnect()


async def test_the_server_pings_and_drops_a_silent_client(c, monkeypatch):
    monkeypatch.setattr(OpeningConsumer, "heartbeat_seconds", 0.1)
    host = await connect(c.tender.pk, c.host)
    assert (await frame(host))["type"] == "snapshot"
    assert (await frame(host))["type"] == "ping"
    await host.send_json_to({"type": "ping", "t": 7})
    item = await frame(host)
    while item["type"] == "ping":
        item = await frame(host)
    assert item == {"type": "pong", "t": 7}
    codes = []
    while not codes:
        item = await frame(host, timeout=2)
        if item["type"] == "closed":
            codes.append(item["code"])
    assert codes == [4408]


class StuckClientConsumer(OpeningConsumer):
    """A consumer whose client stopped reading: every text frame takes forever to go out."""

    send_queue_size = 3

    async def send(self, text_data=None, bytes_data=None, close=False):
        if text_data is not None:
            await asyncio.sleep(30)
        return await super().send(text_data, bytes_data, close)


async def test_a_client_that_cannot_keep_up_is_dropped_and_the_others_carry_on(c):
    stuck_app = SessionOrTicketAuthMiddleware(URLRouter([
        path("ws/opening/<int:tender_id>/", StuckClientConsumer.as_asgi())]))
    stuck = await connect(c.tender.pk, c.supervisors[0], app=stuck_app)
    healthy = await connect(c.tender.pk, c.host)
    assert (await frame(healthy))["type"] == "snapshot"
    await database_sync_to_async(run_to)(c, "signing_in")
    assert await closed_with(stuck) == 4429
    frames = [f for f in await until(healthy, "signed_in") if f["type"] == "event"]
    assert frames[0]["event"]["kind"] == "room_opened"
    await healthy.disconnect()



async def test_pause_and_resume_commands_are_not_mistaken_for_a_stream_resume(c):
    host = await connect(c.tender.pk, c.host)
    await frame(host)
    assert (await command(host, "open_room", "o"))["type"] == "result"
    assert (await command(host, "pause", "p", reason="Projector broke"))["type"] == "result"
    assert (await command(host, "resume", "r", reason="Projector fixed"))["type"] == "result"
    kinds = [f["event"]["kind"] for f in await until(host, "resumed") if f["type"] == "event"]
    assert kinds[-2:] == ["paused", "resumed"]
    await host.disconnect()
