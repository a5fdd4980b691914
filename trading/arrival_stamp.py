"""The moment a request fully reached this server, carried in its ASGI scope (see trading.tenders.arrival).

`StampArrival` wraps the HTTP application: when the last chunk of the body reaches the application's event
loop, the time goes into the scope. Django reads the whole body in the event loop before the request waits
for a worker thread, a database connection or a lock, so the stamp is taken before any queue of ours. The
client cannot set it: it is not a header.
"""
import time

SCOPE_EXTENSION = "sunlight.arrival"


def read(scope):
    """The epoch seconds at which the whole request was received, or None (not served through StampArrival)."""
    extension = ((scope or {}).get("extensions") or {}).get(SCOPE_EXTENSION) or {}
    at = extension.get("at")
    return float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None


class StampArrival:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope = {**scope, "extensions": {**(scope.get("extensions") or {})}}

        async def receive_and_stamp():
            message = await receive()
            if message.get("type") == "http.request" and not message.get("more_body", False) \
                    and SCOPE_EXTENSION not in scope["extensions"]:
                scope["extensions"][SCOPE_EXTENSION] = {"at": time.time()}
            return message

        return await self.app(scope, receive_and_stamp, send)
