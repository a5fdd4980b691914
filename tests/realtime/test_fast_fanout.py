"""The fan-out's fast path: events written as ready-made websocket frames straight into a watcher's socket.

trading.realtime.server offers the consumer a writer for its socket (an ASGI extension);
here a recording writer stands in for it, so the test sees the bytes the socket would
have taken. The live tests (test_live.py) run the real writer under the real server.
"""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.urls import path
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from trading.realtime.auth import SessionOrTicketAuthMiddleware
from trading.realtime.consumers import OpeningConsumer
from trading.realtime.frames import FRAME_WRITER

from tests.opening.builders import ceremony, run_to
from tests.realtime.helpers import connect, frame, quiet, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


class RecordingWriter:
    """Stands in for trading.realtime.server.FrameWriter: keeps what the socket took, reports a chosen backlog."""

    def __init__(self, backlog=0):
        self.frames = []
        self.pending = backlog

    def backlog(self):
        return self.pending

    def write(self, data):
        self.frames.append(data)
        return True

    def messages(self):
        return [json.loads(websocket_payload(data)) for data in self.frames]


def websocket_payload(data):
    """Parse `data` as exactly one unmasked websocket text frame (with the websockets library) and return its text."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        parsed = done.value
    assert parsed.opcode == Opcode.TEXT and parsed.fin
    assert not reader.buffer  # exactly one frame, nothing trailing
    return parsed.data.decode()


def served_with(writer):
    inner = SessionOrTicketAuthMiddleware(URLRouter([path("ws/opening/<int:tender_id>/", OpeningConsumer.as_asgi())]))

    async def app(scope, receive, send):
        return await inner({**scope, "extensions": {FRAME_WRITER: writer}}, receive, send)

    return app


async def every_event(communicator):
    """The events a plain connection receives until the stream goes quiet."""
    events = []
    while not await quiet(communicator, 0.5):
        item = await frame(communicator)
        if item["type"] == "event":
            events.append(item)
    return events


async def written(writer, count, seconds=5):
    for _ in range(int(seconds / 0.05)):
        if len(writer.frames) >= count:
            break
        await asyncio.sleep(0.05)
    return writer.messages()


@pytest.fixture
def c(transactional_db):
    return ceremony(is_public=False)


async def test_events_reach_a_watcher_as_ready_made_frames_identical_to_the_plain_stream(c):
    writer = RecordingWriter()
    fast = await connect(c.tender.pk, c.supervisors[0], app=served_with(writer))
    plain = await connect(c.tender.pk, c.supervisors[1])
    assert (await frame(fast))["type"] == "snapshot"  # the snapshot still goes through ASGI, before any event
    assert (await frame(plain))["type"] == "snapshot"
    await database_sync_to_async(run_to)(c, "signing_in")

    through_asgi = await every_event(plain)
    through_the_writer = await written(writer, len(through_asgi))
    assert [m["event"]["kind"] for m in through_asgi][:2] == ["room_opened", "signed_in"]
    assert through_the_writer == through_asgi
    seqs = [m["event"]["seq"] for m in through_the_writer]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert [m["prev"] for m in through_the_writer[1:]] == seqs[:-1]
    assert await quiet(fast)  # nothing went out twice through the slow path
    await fast.disconnect()
    await plain.disconnect()


async def test_a_watcher_whose_socket_falls_behind_is_dropped_and_the_others_carry_on(c):
    stuck = RecordingWriter(backlog=OpeningConsumer.send_backlog_bytes + 1)
    behind = await connect(c.tender.pk, c.supervisors[0], app=served_with(stuck))
    healthy = await connect(c.tender.pk, c.host)
    assert (await frame(behind))["type"] == "snapshot"
    assert (await frame(healthy))["type"] == "snapshot"
    await database_sync_to_async(run_to)(c, "signing_in")

    closing = await frame(behind)
    assert closing == {"type": "closed", "code": 4429}
    assert stuck.frames == []
    kinds = [f["event"]["kind"] for f in await until(healthy, "signed_in") if f["type"] == "event"]
    assert kinds[0] == "room_opened"
    await healthy.disconnect()
