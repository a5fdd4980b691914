"""The moment a request fully reached the platform (see trading.tenders.arrival), from one of two stamps:

- The trusted edge: nginx, which reads the whole request before passing it on, stamps it in `X-Request-Start`
  ("t=<epoch seconds>", nginx's $msec), overwriting whatever the client sent. Read only when the deployment says
  nginx sets it (SUNLIGHT_TRUST_EDGE_ARRIVAL=1, docs/deployment.md): otherwise a client could choose it.
- The ASGI server: `StampArrival` wraps the HTTP application; when the last chunk of the body reaches the
  event loop, the time goes into the scope. Django reads the whole body in the event loop before the request
  waits for a worker thread, a database connection or a lock, so the stamp comes before any queue of ours.
  The client cannot set it: it is not a header.
"""
import time

from django.conf import settings

EDGE_HEADER = "HTTP_X_REQUEST_START"

SCOPE_EXTENSION = "sunlight.arrival"


def read(scope):
    """The epoch seconds at which the whole request was received, or None (not served through StampArrival)."""
    extension = ((scope or {}).get("extensions") or {}).get(SCOPE_EXTENSION) or {}
    at = extension.get("at")
    return float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None


def from_edge(value, now=None):
    """Epoch seconds from nginx's "t=<seconds>" stamp; None when it is not one. Never later than now."""
    text = value[2:] if isinstance(value, str) and value.startswith("t=") else ""
    try:
        at = float(text)
    except ValueError:
        return None
    if at != at or at <= 0:  # NaN, nonsense
        return None
    return min(at, time.time() if now is None else now)


def of_request(request):
    """The epoch seconds at which `request` fully reached the platform, or None when nothing stamped it."""
    if settings.SUNLIGHT["TRUST_EDGE_ARRIVAL"]:
        at = from_edge(request.META.get(EDGE_HEADER))
        if at is not None:
            return at
    return read(getattr(request, "scope", None))


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
