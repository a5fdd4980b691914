"""Websocket connections without valid authentication, from a foreign origin, or to a tender
that is not the user's, are refused; commands for someone else's tender change nothing."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from tests.opening.builders import ceremony
from tests.realtime.helpers import application, command, connect, frame, ticket_for
from trading.bids.opening.models import OpeningEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def two(transactional_db):
    return ceremony(is_public=False), ceremony(is_public=False)


async def refused(communicator):
    item = await frame(communicator)
    return item["type"] == "closed" and item["code"] in (4403, 4404)


async def test_a_bidder_of_one_tender_cannot_watch_another(two):
    mine, theirs = two
    bidder = mine.bidders[0]
    assert not await refused(await connect(mine.tender.pk, bidder))  # sanity: their own tender is fine
    assert await refused(await connect(theirs.tender.pk, bidder))
    # Nor can the host of one tender watch another entity's closed opening.
    assert await refused(await connect(theirs.tender.pk, mine.host))


async def test_without_valid_authentication_a_closed_opening_refuses(two):
    tender = two[0].tender.pk
    for query in ("", "?ticket=not-a-ticket", "?ticket=" + "0" * 40, "?ticket=%27%20OR%201%3D1--", "?ticket=%ED%A0%80",
                  "?token=not-a-token"):
        communicator = WebsocketCommunicator(application(), f"/ws/opening/{tender}/{query}",
                                             headers=[(b"origin", b"http://testserver")])
        connected, _ = await communicator.connect()
        assert connected and await refused(communicator), query


async def test_a_foreign_origin_is_refused_at_the_handshake(two):
    c = two[0]
    ticket = await database_sync_to_async(ticket_for)(c.host)
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?ticket={ticket}",
                                         headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_public_watcher_cannot_run_another_tenders_ceremony(transactional_db):
    mine, public = await database_sync_to_async(ceremony)(is_public=False), \
        await database_sync_to_async(ceremony)(is_public=True)
    intruder = await connect(public.tender.pk, mine.host)  # may watch (public), not host
    await frame(intruder)  # snapshot
    before = await database_sync_to_async(OpeningEvent.objects.filter(tender=public.tender).count)()
    for kind, args in (("open_room", {}), ("sign_in", {}), ("close", {}), ("pause", {"reason": "x"})):
        reply = await command(intruder, kind, f"intrude-{kind}", **args)
        assert reply["type"] == "error" and reply["code"] in ("forbidden", "invalid"), reply
    after = await database_sync_to_async(OpeningEvent.objects.filter(tender=public.tender).count)()
    assert after == before


async def test_an_api_token_in_the_url_is_not_accepted_but_a_ticket_is_once(two):
    c = two[0]
    from tests.factories import api_token

    token = await database_sync_to_async(api_token)(c.host)
    by_token = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?token={token}",
                                     headers=[(b"origin", b"http://testserver")])
    assert (await by_token.connect())[0] and await refused(by_token)
    ticket = await database_sync_to_async(ticket_for)(c.host)
    first = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?ticket={ticket}",
                                  headers=[(b"origin", b"http://testserver")])
    assert (await first.connect())[0]
    assert (await frame(first))["type"] == "snapshot"
    replay = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?ticket={ticket}",
                                   headers=[(b"origin", b"http://testserver")])
    assert (await replay.connect())[0] and await refused(replay)
    await first.disconnect()


@pytest.mark.parametrize("tender_path", [str(10**30), str(2**63), "9" * 5000])
async def test_an_overflowing_tender_id_closes_cleanly_as_not_found(two, tender_path):
    c = two[0]
    ticket = await database_sync_to_async(ticket_for)(c.host)
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{tender_path}/?ticket={ticket}&after={10**40}",
                                         headers=[(b"origin", b"http://testserver")])
    connected, code = await communicator.connect()
    if connected:
        closed = await frame(communicator)
        assert closed == {"type": "closed", "code": 4404}
    else:  # refused by the router before the handshake: still no server fault
        assert code != 1011


async def test_hostile_frames_get_a_reason_and_the_connection_stays(two):
    c = two[0]
    communicator = await connect(c.tender.pk, c.host, after=10**40)
    assert (await frame(communicator))["type"] == "snapshot"
    for text, reason in (("[" * 100000 + "]" * 100000, "deeper than"),
                         ('{"type": "ping", "t": "\\ud800"}', "unpaired surrogate"),
                         ('{"type": "ping", "type": "resume"}', "appears twice"),
                         ("[" * 2000 + "]" * 2000, "deeper than")):
        await communicator.send_to(text_data=text[:16 * 1024] if len(text) > 16 * 1024 else text)
        reply = await frame(communicator)
        assert reply["type"] == "error" and reply["code"] == "malformed", reply
        if len(text) <= 16 * 1024:
            assert reason in reply["message"], reply
    await communicator.send_json_to({"type": "resume", "after": 10**30})
    reply = await frame(communicator)
    assert reply["type"] == "error" and "after" in reply["message"]
    await communicator.send_json_to({"type": "ping", "t": 1})
    assert (await frame(communicator))["type"] == "pong"
    await communicator.disconnect()
