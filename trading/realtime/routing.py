from django.urls import path

from .consumers import NOT_FOUND, OpeningConsumer

websocket_urlpatterns = [
    path("ws/opening/<int:tender_id>/", OpeningConsumer.as_asgi(), name="opening"),
]


class NotFoundAsClose:
    """A websocket path no route matches (an unknown path, or an id of thousands of digits that no int
    converter takes) is refused with close code 4404, instead of the router's ValueError (close 1011 and
    a traceback in the log)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        try:
            return await self.inner(scope, receive, send)
        except ValueError as exc:
            if scope.get("type") != "websocket" or not str(exc).startswith("No route found"):
                raise
        message = await receive()
        if message.get("type") == "websocket.connect":
            await send({"type": "websocket.close", "code": NOT_FOUND})
        return None
