"""Websocket connections without valid authentication, from a foreign origin, or to a tender
that is not the user's, are refused; commands for someone else's tender change nothing."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from tests.opening.builders import ceremony
from tests.realtime.helpers import application, command, connect, frame, token_for
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
    for query in ("", "?token=not-a-token", "?token=" + "0" * 40, "?token=%27%20OR%201%3D1--"):
        communicator = WebsocketCommunicator(application(), f"/ws/opening/{tender}/{query}",
                                             headers=[(b"origin", b"http://testserver")])
        connected, _ = await communicator.connect()
        assert connected and await refused(communicator), query


async def test_a_foreign_origin_is_refused_at_the_handshake(two):
    c = two[0]
    token = await database_sync_to_async(token_for)(c.host)
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{c.tender.pk}/?token={token}",
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
