"""Real Daphne workers in subprocesses, serving the test database, and real websocket clients."""
import asyncio
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect as ws_connect

_ids = itertools.count(1)


def ceremony_with_tokens():
    """A public ceremony ready to open, with an API token for every participant (websocket clients use them)."""
    from tests.opening.builders import ceremony
    from tests.realtime.helpers import token_for

    c = ceremony(is_public=True)
    c.tokens = {user.pk: token_for(user) for user in [c.host, *c.supervisors, *c.bidders]}
    return c


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextlib.contextmanager
def daphne(redis_url=None, heartbeat=5, poll=1, **environment):
    """Start one Daphne worker on a free port against the test database; yield its port.

    `environment`: more variables for the worker (e.g. SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS="5")."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "SUNLIGHT_FAST_HASHER": "1",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "PLATFORM_SIGNING_KEY_FILE": str(settings.PLATFORM_SIGNING_KEY_FILE),
           "SUNLIGHT_OPENING_HEARTBEAT_SECONDS": str(heartbeat), "SUNLIGHT_OPENING_POLL_SECONDS": str(poll),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CONN_MAX_AGE": "60"}
    env.pop("REDIS_URL", None)
    env.update(environment)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log_path = Path(settings.MEDIA_ROOT).parent / f"daphne-{port}.log"
    log = open(log_path, "wb")
    # A deep listen backlog: hundreds of clients connect at the same moment.
    process = subprocess.Popen([sys.executable, "-m", "trading.realtime.server", "-e", f"tcp:port={port}:interface=127.0.0.1:backlog=4096",
                                "trading.asgi:application"], env=env, cwd=settings.BASE_DIR,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited: {log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/realtime/opening.js", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print(f"--- daphne :{port} log ---\n" + log_path.read_text(errors="replace")[-4000:])


def ws_ticket(port, token):
    """A one-connection websocket ticket for the API token's user (API tokens never go in the URL)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ws-ticket/", data=b"", method="POST",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["ticket"]


def ws_url(port, tender_id, ticket=None, after=None):
    query = "&".join(part for part in (ticket and f"ticket={ticket}", after is not None and f"after={after}") if part)
    return f"ws://127.0.0.1:{port}/ws/opening/{tender_id}/" + (f"?{query}" if query else "")


async def ticket_url(port, tender_id, token=None, after=None):
    """The websocket URL, with a fresh ticket when the client has an API token (each connection needs one)."""
    ticket = await asyncio.to_thread(ws_ticket, port, token) if token else None
    return ws_url(port, tender_id, ticket, after)


class Watcher:
    """A client that records every event sequence number it is shown, resuming after any disconnect."""

    def __init__(self, port, tender_id, token=None, stop_kind="opening_closed"):
        self.port, self.tender_id, self.token, self.stop_kind = port, tender_id, token, stop_kind
        self.seqs, self.kinds, self.last, self.connections, self.gaps = [], [], None, 0, 0
        self.socket = None
        self.connected = asyncio.Event()
        self.done = asyncio.Event()

    def _take(self, event):
        self.seqs.append(event["seq"])
        self.kinds.append(event["kind"])
        self.last = event["seq"]
        if event["kind"] == self.stop_kind:
            self.done.set()

    async def run(self):
        while not self.done.is_set():
            try:
                async with ws_connect(await ticket_url(self.port, self.tender_id, self.token, self.last),
                                      origin=f"http://127.0.0.1:{self.port}", open_timeout=30,
                                      ping_interval=None) as socket:
                    self.socket = socket
                    self.connections += 1
                    async for raw in socket:
                        frame = json.loads(raw)
                        if frame["type"] == "snapshot":
                            for event in frame["events"]:
                                self._take(event)
                            self.last = frame["last_seq"] if self.last is None else self.last
                            self.connected.set()
                        elif frame["type"] == "event":
                            if self.last is not None and frame["event"]["seq"] <= self.last:
                                continue
                            if frame["prev"] != self.last:
                                self.gaps += 1
                                await socket.send(json.dumps({"type": "resume", "after": self.last}))
                                continue
                            self._take(frame["event"])
                        elif frame["type"] == "ping":
                            await socket.send(json.dumps({"type": "pong", "t": frame["t"]}))
                        if self.done.is_set():
                            return
            except Exception:  # dropped or refused for now: resume after the last sequence number
                await asyncio.sleep(0.1)

    def cut(self):
        """Drop the TCP connection without a closing handshake, as a failing network would."""
        if self.socket is not None:
            self.socket.transport.abort()


class Actor:
    """A participant sending commands over its own socket and waiting for each result."""

    def __init__(self, port, tender_id, token):
        self.port, self.tender_id, self.token = port, tender_id, token
        self.origin = f"http://127.0.0.1:{port}"
        self.socket = None

    async def __aenter__(self):
        url = await ticket_url(self.port, self.tender_id, self.token)
        self.socket = await ws_connect(url, origin=self.origin, open_timeout=30, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def do(self, kind, **args):
        command_id = f"{kind}-{next(_ids)}"
        await self.socket.send(json.dumps({"type": kind, "id": command_id, "args": args}))
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
            if frame["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
            if frame.get("id") == command_id:
                assert frame["type"] == "result", frame
                return frame
