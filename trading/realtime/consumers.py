"""The opening hall's websocket: ws/opening/<tender_id>/.

Frames are JSON objects with a "type". The server sends snapshot, event (with
the viewer's previous sequence number in "prev", so a client sees any gap),
resumed, result, error, ping and pong. The client sends ping / pong, resume
{"after": seq} and commands {"type": ..., "id": client command id, ...}, which
the opening services run once. Close codes: 4403 refused, 4404 no such tender,
4408 heartbeat missed, 4429 too slow to keep up, 1011 server fault (resume).
"""
import asyncio
import json
import logging
import os
import random
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _

from trading import strictjson
from trading.accounts.caller import Caller
from trading.bids.opening import selectors, services
from trading.tenders import clock

from .frames import FRAME_WRITER, event_text
from .hub import get_hub

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = float(os.environ.get("SUNLIGHT_OPENING_HEARTBEAT_SECONDS", "15"))
SEND_QUEUE = int(os.environ.get("SUNLIGHT_OPENING_SEND_QUEUE", "1000"))
SEND_BACKLOG = int(os.environ.get("SUNLIGHT_OPENING_SEND_BACKLOG", str(1024 * 1024)))
MAX_FRAME = 16 * 1024
SNAPSHOT_TTL = 2.0
MAX_ID = 2**63 - 1  # the largest id or sequence number a database column holds
REFUSED, NOT_FOUND, SILENT, TOO_SLOW, SERVER_ERROR = 4403, 4404, 4408, 4429, 1011


def _open(user, tender_id, after):
    """One database visit per connection: the tender, what this user may see of it, and the snapshot."""
    tender = selectors.tender_or_404(tender_id)
    viewer = selectors.viewer(user, tender)
    if viewer is None:
        return tender, None, 0, None
    last = selectors.last_seq(tender.pk)
    data = selectors.state(tender, viewer, user)
    data["events"] = selectors.events_after(tender.pk, viewer, after, upto=last)
    return tender, viewer, last, data


def _resume(tender_id, viewer, after):
    last = selectors.last_seq(tender_id)
    return last, selectors.events_after(tender_id, viewer, after, upto=last)


class OpeningConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per connection: the hub is the only group member in this process.
    # With one, every socket would listen on Redis and die with it during a Redis restart.
    channel_layer_alias = None
    heartbeat_seconds = HEARTBEAT_SECONDS
    send_queue_size = SEND_QUEUE
    send_backlog_bytes = SEND_BACKLOG

    async def connect(self):
        # Accept at once: the handshake must not wait for the database (Daphne drops slow handshakes).
        await self.accept()
        self.hub = None
        self.tasks = []
        self.queue = asyncio.Queue(maxsize=self.send_queue_size)
        self.sending = False
        self.writer = (self.scope.get("extensions") or {}).get(FRAME_WRITER)
        self.cursor = self.last_visible = 0
        self.pending = []
        self.ready = False
        self.last_heard = time.monotonic()
        self.tender_id = self._int(self.scope.get("url_route", {}).get("kwargs", {}).get("tender_id"))
        if self.tender_id is None:  # not a number, or beyond any id the database can hold
            await self.close(code=NOT_FOUND)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        after = self._int(query.get("after", ["0"])[0]) or 0
        self.user = self.scope.get("user")
        # Join before reading the snapshot, so no event falls between the two; until then events wait in pending.
        self.hub = get_hub()
        await self.hub.join(self.tender_id, self)
        try:
            self.tender, self.viewer, last, snapshot = await self._open(after)
        except Http404:
            return await self._drop(NOT_FOUND)
        if self.viewer is None:
            return await self._drop(REFUSED)
        self.caller = Caller(user=self.user, ip=(self.scope.get("client") or ["", 0])[0] or "",
                             user_agent=dict(self.scope.get("headers") or []).get(b"user-agent", b"").decode(
                                 "latin-1")[:300])
        self.tasks.append(asyncio.create_task(self._send_loop()))
        snapshot["type"] = "snapshot"
        snapshot["server_time"] = clock.now().isoformat()
        snapshot["after"] = after
        snapshot["last_seq"] = snapshot["events"][-1]["seq"] if snapshot["events"] else after
        self.cursor, self.last_visible = last, snapshot["last_seq"]
        self._enqueue(json.dumps(snapshot, ensure_ascii=False))
        self._flush_pending()
        self.tasks.append(asyncio.create_task(self._tick()))

    async def _open(self, after):
        """The snapshot; anonymous watchers share one per tender and sequence number (a crowd costs one query)."""
        anonymous = not getattr(self.user, "is_authenticated", False)
        key = (self.tender_id, after)
        cached = self.hub.public_snapshots.get(key) if anonymous else None
        if cached and cached[2] == self.hub.cursor.get(self.tender_id) and time.monotonic() < cached[4]:
            tender, viewer, last, snapshot, _expires = cached
            return tender, viewer, last, dict(snapshot)
        tender, viewer, last, snapshot = await database_sync_to_async(_open)(self.user, self.tender_id, after)
        if anonymous:
            if len(self.hub.public_snapshots) > 1000:
                self.hub.public_snapshots.clear()
            self.hub.public_snapshots[key] = (tender, viewer, last, snapshot, time.monotonic() + SNAPSHOT_TTL)
        return tender, viewer, last, dict(snapshot) if snapshot else snapshot

    async def disconnect(self, code):
        if self.hub is not None:
            await self.hub.leave(self.tender_id, self)
            self.hub = None
        for task in self.tasks:
            task.cancel()

    # --- from the hub --------------------------------------------------------

    def on_event(self, event, frames):
        if not self.ready:
            self.pending.append((event, frames))
            return
        if event["seq"] <= self.cursor:
            return
        self.cursor = event["seq"]
        if selectors.can_see(self.viewer, event["audience"]):
            prev, self.last_visible = self.last_visible, event["seq"]
            if not self._write_directly(frames.frame, prev):
                self._enqueue(frames.text(prev))

    def _write_directly(self, frame_for, prev):
        """The fan-out's fast path: ready-made bytes into an idle socket (trading.realtime.server)."""
        if self.writer is None or self.sending or not self.queue.empty():
            return False  # frames of its own are waiting: keep the order
        if self.writer.backlog() > self.send_backlog_bytes:
            self._give_up(TOO_SLOW)
            return True
        return self.writer.write(frame_for(prev))

    def _flush_pending(self):
        self.ready = True
        pending, self.pending = self.pending, []
        for event, frames in pending:
            self.on_event(event, frames)

    def _enqueue(self, frame):
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self._give_up(TOO_SLOW)

    def lost(self):
        """The hub could not hand this connection an event."""
        self._give_up(SERVER_ERROR)

    def _give_up(self, code):
        # Closing costs the client nothing: it reconnects and resumes from its last sequence number.
        self.ready = False
        self.pending = []
        asyncio.ensure_future(self._drop(code))

    async def _drop(self, code):
        if self.hub is not None:
            await self.hub.leave(self.tender_id, self)
            self.hub = None
        await self.close(code=code)

    async def _send_loop(self):
        while True:
            frame = await self.queue.get()
            self.sending = True
            try:
                await self.send(text_data=frame)
            finally:
                self.sending = False

    async def _tick(self):
        # Watchers who arrived together would otherwise all be pinged (and answer) in the same instant,
        # holding up whatever event falls into it; a random phase spreads them over the interval.
        await asyncio.sleep(random.uniform(0, self.heartbeat_seconds))
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            if time.monotonic() - self.last_heard > 3 * self.heartbeat_seconds:
                await self._drop(SILENT)
                return
            self._enqueue(json.dumps({"type": "ping", "t": time.time()}))
            if self.viewer["kind"] == "official":
                await database_sync_to_async(services.check_time_limits)(self.tender_id)

    # --- from the client -----------------------------------------------------

    @staticmethod
    def _int(value):
        if isinstance(value, str) and len(value) > 20:
            return None  # int() of a 100,000-digit string costs seconds; no id or sequence number is that long
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return None
        return number if 0 <= number <= MAX_ID else None

    def _reply(self, **frame):
        self._enqueue(json.dumps(frame, ensure_ascii=False, default=str))

    def _error(self, code, message, command_id=None, errors=None):
        self._reply(type="error", code=code, message=str(message), id=command_id, errors=errors or {})

    async def receive(self, text_data=None, bytes_data=None):
        if not getattr(self, "viewer", None):
            return None  # refused or still connecting
        self.last_heard = time.monotonic()
        if text_data is None or len(text_data) > MAX_FRAME:
            return self._error("malformed", _("Send JSON text frames of at most 16 KB."))
        try:
            frame = strictjson.loads(text_data)
        except strictjson.Refused as exc:
            if exc.code in ("syntax", "constant"):
                return self._error("malformed", _("The frame is not valid JSON."))
            return self._error("malformed", exc.reason, errors={exc.field: [exc.reason]})
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return self._error("malformed", _("A frame is a JSON object with a \"type\"."))
        kind = frame["type"]
        if kind == "ping":
            return self._reply(type="pong", t=frame.get("t"))
        if kind == "pong":
            return None
        if kind == "resume" and "id" not in frame:
            return await self._resume(frame)  # the stream's resume; with a command id it resumes the ceremony
        if kind in services.COMMANDS:
            return await self._command(kind, frame)
        return self._error("unknown_type", _("Unknown message type."))

    async def _resume(self, frame):
        after = self._int(frame.get("after"))
        if after is None:
            return self._error("malformed", _("resume needs \"after\": the last sequence number you saw."))
        self.ready = False
        try:
            last, events = await database_sync_to_async(_resume)(self.tender_id, self.viewer, after)
        except Exception:
            self._flush_pending()
            raise
        self.last_visible = after
        for event in events:
            self._enqueue(event_text(self.last_visible, json.dumps(event, ensure_ascii=False)))
            self.last_visible = event["seq"]
        self.cursor = max(self.cursor, last)
        self._reply(type="resumed", after=after, count=len(events), last_seq=self.last_visible)
        self._flush_pending()

    async def _command(self, kind, frame):
        command_id = frame.get("id")
        if not isinstance(command_id, str) or not 1 <= len(command_id) <= 64:
            return self._error("malformed", _("Every command carries an \"id\" of 1 to 64 characters."))
        args = frame.get("args", {})
        if not isinstance(args, dict):
            return self._error("malformed", _("\"args\" must be an object."), command_id)
        try:
            result = await database_sync_to_async(services.run_command)(
                self.caller, self.tender_id, command_id, kind, args)
        except PermissionDenied as exc:
            return self._error("forbidden", exc, command_id)
        except Http404 as exc:
            return self._error("not_found", exc, command_id)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return self._error("invalid", " ".join(m for ms in errors.values() for m in ms), command_id, errors)
        except (OverflowError, DataError):
            return self._error("invalid", _("A number in the command is out of range."), command_id)
        except Exception:
            log.exception("opening command %s failed", kind)
            return self._error("server_error", _("The command failed; nothing was changed."), command_id)
        self._reply(type="result", id=command_id, **result)
