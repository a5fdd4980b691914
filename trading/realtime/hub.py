"""One hub per worker process: the only member of each opening's channel-layer group in this process.

The channel layer carries an event once per worker instead of once per client,
and the hub hands it to every local connection in memory. The hub also makes the
stream complete and ordered: it keeps the last sequence number it delivered per
tender, drops duplicates, and fills any gap (a lost or late broadcast, another
worker's commit, the watchdog command) from the database before going on; a
periodic poll catches a broadcast that never came.
"""
import asyncio
import json
import logging
import os
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from trading.bids.opening import selectors
from trading.bids.opening.events import group_name

from .frames import EventFrames

log = logging.getLogger(__name__)
POLL_SECONDS = float(os.environ.get("SUNLIGHT_OPENING_POLL_SECONDS", "3"))
_hubs = weakref.WeakKeyDictionary()


def get_hub():
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(get_channel_layer())
    return hub


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel = None
        self.watchers = {}  # tender id -> set of connections
        self.cursor = {}  # tender id -> last sequence number delivered
        self.joined = {}  # tender id -> asyncio.Event set once the group is joined
        self.public_snapshots = {}  # (tender id, after) -> snapshot shared by anonymous watchers
        self.lock = asyncio.Lock()
        self.tasks = []

    async def join(self, tender_id, connection):
        if self.channel is None:
            self.channel = await self.layer.new_channel("opening-hub.")
            self.tasks = [asyncio.create_task(self._receive_loop()), asyncio.create_task(self._poll_loop())]
        if tender_id not in self.watchers:
            self.watchers[tender_id] = set()
            ready = self.joined[tender_id] = asyncio.Event()
            await self.layer.group_add(group_name(tender_id), self.channel)
            self.cursor[tender_id] = await database_sync_to_async(selectors.last_seq)(tender_id)
            ready.set()
        await self.joined[tender_id].wait()
        self.watchers[tender_id].add(connection)

    async def leave(self, tender_id, connection):
        watchers = self.watchers.get(tender_id)
        if watchers is None:
            return
        watchers.discard(connection)
        if not watchers and self.joined[tender_id].is_set():
            del self.watchers[tender_id], self.cursor[tender_id], self.joined[tender_id]
            self.public_snapshots = {k: v for k, v in self.public_snapshots.items() if k[0] != tender_id}
            try:
                await self.layer.group_discard(group_name(tender_id), self.channel)
            except Exception:
                log.exception("leaving opening group %s", tender_id)
        if not self.watchers:
            self.stop()

    def stop(self):
        for task in self.tasks:
            task.cancel()
        self.tasks, self.channel = [], None

    async def _receive_loop(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("opening hub receive failed")
                await asyncio.sleep(0.5)
                continue
            if message.get("type") == "opening.events":
                await self.deliver(message["tender"], message["events"])

    async def _poll_loop(self):
        while True:
            await asyncio.sleep(POLL_SECONDS)
            for tender_id in list(self.cursor):
                try:
                    latest = await database_sync_to_async(selectors.last_seq)(tender_id)
                    if latest > self.cursor.get(tender_id, latest):
                        await self.deliver(tender_id, [])
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("opening hub poll failed for tender %s", tender_id)

    async def deliver(self, tender_id, events):
        async with self.lock:
            cursor = self.cursor.get(tender_id)
            if cursor is None:
                return
            events = sorted((e for e in events if e["seq"] > cursor), key=lambda e: e["seq"])
            if not events or events[0]["seq"] != cursor + 1 or any(
                    b["seq"] != a["seq"] + 1 for a, b in zip(events, events[1:])):
                upto = events[-1]["seq"] if events else None
                events = await database_sync_to_async(selectors.all_events_between)(tender_id, cursor, upto)
                if tender_id not in self.watchers:
                    return
            for event in events:
                self.cursor[tender_id] = event["seq"]
                frames = EventFrames(json.dumps(event, ensure_ascii=False))
                for connection in list(self.watchers.get(tender_id, ())):
                    try:
                        connection.on_event(event, frames)
                    except Exception:  # one broken socket must not cost the other watchers the event
                        log.exception("opening event %s not delivered to one watcher", event["seq"])
                        connection.lost()
