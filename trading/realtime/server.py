"""Daphne with one ASGI extension for the opening hall's fan-out (see trading.realtime.frames).

Through plain ASGI, every watcher's copy of an event goes through channels, Daphne and
autobahn to be framed again, and Twisted holds each write until the socket reports it
is writable: two poller changes and an extra loop pass per frame. At 2,000 watchers
that is most of a core for a quarter of a second. With the extension, the hub frames an
event once and each connection writes those bytes straight into its socket when nothing
of its own is waiting; anything else goes through Twisted's buffer as usual, so the
order of bytes on a connection never changes. The same buffer tells a watcher that
cannot keep up.

    python -m trading.realtime.server -b 127.0.0.1 -p 8000 trading.asgi:application

takes every option of `daphne`. Without it (plain daphne, the test communicator) the
consumers send through ASGI.
"""
from daphne.cli import CommandLineInterface
from daphne.server import Server
from twisted.internet.tcp import Connection

from .frames import FRAME_WRITER


class FrameWriter:
    """Writes ready-made websocket frames to one connection, in order with everything else it sends."""

    def __init__(self, protocol):
        self.protocol = protocol

    def backlog(self):
        """Bytes written for this client that its socket has not taken yet."""
        transport = self.protocol.transport
        # Twisted keeps pending output in dataBuffer (from offset) plus a list it has not joined yet.
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    def write(self, frame):
        """Send `frame`; False when this connection cannot take ready-made frames (then send through ASGI)."""
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN or protocol._perMessageCompress is not None:
            return False
        transport = protocol.transport
        if protocol.send_queue or self.backlog():
            transport.write(frame)
            return True
        sent = transport.writeSomeData(frame)
        if isinstance(sent, Exception):
            return True  # the connection is gone; Twisted reports the close on its own
        if sent < len(frame):
            transport.write(frame[sent:])
        return True


class FanOutServer(Server):
    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket" and isinstance(protocol.transport, Connection):
            scope["extensions"] = {**(scope.get("extensions") or {}), FRAME_WRITER: FrameWriter(protocol)}
        return super().create_application(protocol, scope)


class FanOutCommandLine(CommandLineInterface):
    server_class = FanOutServer


if __name__ == "__main__":
    FanOutCommandLine.entrypoint()
