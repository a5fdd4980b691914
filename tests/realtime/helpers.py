"""Websocket test helpers: connect as a user (a one-connection ticket in the query string), read frames by type."""
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from tests.factories import api_token

ORIGIN = (b"origin", b"http://testserver")


def token_for(user):
    return api_token(user)


def ticket_for(user):
    from trading.accounts.tokens import issue_ticket

    return issue_ticket(user)


def application():
    from trading.asgi import application as app

    return app


async def connect(tender_id, user=None, after=None, app=None):
    query = []
    if user is not None:
        query.append(f"ticket={await database_sync_to_async(ticket_for)(user)}")
    if after is not None:
        query.append(f"after={after}")
    path = f"/ws/opening/{tender_id}/" + (f"?{'&'.join(query)}" if query else "")
    communicator = WebsocketCommunicator(app or application(), path, headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frame(communicator, timeout=3):
    backlog = getattr(communicator, "backlog", None)
    if backlog:
        return backlog.pop(0)
    message = await communicator.receive_output(timeout)
    if message["type"] == "websocket.close":
        return {"type": "closed", "code": message.get("code")}
    return json.loads(message["text"])


async def until(communicator, kind, timeout=3):
    """Frames up to and including the first of `kind` (skipping pings)."""
    seen = []
    while True:
        item = await frame(communicator, timeout)
        if item["type"] == "ping":
            continue
        seen.append(item)
        if item["type"] == kind or (item["type"] == "event" and item["event"]["kind"] == kind):
            return seen


async def command(communicator, kind, command_id, **args):
    """Send a command; return its result or error frame (other frames stay for `frame` to read)."""
    await communicator.send_json_to({"type": kind, "id": command_id, "args": args})
    skipped = []
    while True:
        message = await communicator.receive_output(3)
        item = {"type": "closed", "code": message.get("code")} if message["type"] == "websocket.close" \
            else json.loads(message["text"])
        if item["type"] in ("result", "error") and item.get("id") == command_id:
            communicator.backlog = getattr(communicator, "backlog", []) + skipped
            return item
        skipped.append(item)


async def quiet(communicator, seconds=0.3):
    """True when nothing arrives for a while (without cancelling the application, unlike a timeout)."""
    return not getattr(communicator, "backlog", None) and await communicator.receive_nothing(seconds)
