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
import json
import logging
import os

from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from daphne.server import Server
from twisted.internet.tcp import Connection

from .frames import FRAME_WRITER

log = logging.getLogger(__name__)
MB = 1024 * 1024
# The same limits as trading.settings SUNLIGHT (read from the environment here: this runs before Django's
# settings are needed, and a request refused here never reaches Django at all).
MAX_REQUEST_BYTES = int(os.environ.get("SUNLIGHT_MAX_REQUEST_BYTES", 30 * MB))
MAX_ANONYMOUS_REQUEST_BYTES = int(os.environ.get("SUNLIGHT_MAX_ANONYMOUS_REQUEST_BYTES", MB))
SESSION_COOKIE = os.environ.get("SESSION_COOKIE_NAME", "sessionid").encode()


class LimitedRequest(WebRequest):
    """A request whose body is refused (413) as soon as its headers say it is too large, before any of it
    is read, and cut off when a body without a length (chunked) grows past the limit.

    The limit is MAX_ANONYMOUS_REQUEST_BYTES without a session cookie or an Authorization header (a
    visitor only logs in or registers), MAX_REQUEST_BYTES with one. A forged cookie only buys the larger
    limit here; Django checks the real user again (trading.middleware.HostileInputMiddleware).
    """

    refused = False
    received = 0

    def _limit(self):
        headers = self.requestHeaders
        cookies = b";".join(headers.getRawHeaders(b"cookie") or [])
        if headers.hasHeader(b"authorization") or SESSION_COOKIE + b"=" in cookies:
            return MAX_REQUEST_BYTES
        return MAX_ANONYMOUS_REQUEST_BYTES

    def gotLength(self, length):
        self.body_limit = self._limit()
        if length is not None and length > self.body_limit:
            return self._refuse(length)
        return super().gotLength(length)

    def handleContentChunk(self, data):
        if self.refused:
            return
        self.received += len(data)
        if self.received > self.body_limit:
            return self._refuse(self.received)
        return super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        # Twisted parses a form body into request.args before process(), reading a multipart body whole into
        # memory and copying it many times over (a 30 MB upload cost 360 MB). Daphne never reads args: Django
        # parses the body itself, streaming files to disk. So Twisted does not see the content type.
        self.hidden_content_type = self.requestHeaders.getRawHeaders(b"content-type")
        if self.hidden_content_type:
            self.requestHeaders.removeHeader(b"content-type")
        return super().requestReceived(command, path, version)

    def process(self):
        if self.refused:
            return None
        if getattr(self, "hidden_content_type", None):
            self.requestHeaders.setRawHeaders(b"content-type", self.hidden_content_type)
        return super().process()

    def _refuse(self, size):
        """Answer 413 at once and close: the rest of the body is never read, stored or parsed."""
        self.refused = True
        log.info("413: a %d-byte body refused before reading (limit %d)", size, self.body_limit)
        reason = (f"The request is {size / MB:.1f} MB; the limit is {self.body_limit / MB:.1f} MB. "
                  "Send smaller files, or log in first.")
        body = json.dumps({"non_field_errors": [reason]}).encode()
        transport = self.channel.transport
        transport.write(b"HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        transport.loseConnection()
        self.content = _Sink()


class _Sink:
    """Where the refused body goes: nowhere."""

    def write(self, data):
        pass

    def seek(self, *args):
        pass

    def read(self, *args):
        return b""

    def close(self):
        pass


class LimitedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = LimitedRequest
        return protocol


class _LazyChunk(dict):
    """An ASGI http.request message whose "body" is read from the request's file when the application takes
    it, not when Daphne queues it: Daphne queues a whole body at once, and a 100 MB upload would sit in
    memory as 100 MB of queued chunks. Twisted already keeps a large body in a temporary file.
    """

    def __init__(self, content, offset, size, more_body):
        super().__init__(type="http.request", body=b"", more_body=more_body)
        self._content, self._offset, self._size = content, offset, size

    def __getitem__(self, key):
        if key == "body":
            try:
                self._content.seek(self._offset)
                return self._content.read(self._size)
            except (ValueError, OSError):  # the client went away and Twisted closed the file
                return b""
        return super().__getitem__(key)

    def get(self, key, default=None):
        return self[key] if key in self else default  # noqa: SIM401  (dict.get would skip __getitem__)


class _LazyBodyQueue:
    """Stands between Daphne's request and the application's input queue, turning body chunks into _LazyChunk."""

    def __init__(self, queue, request):
        self._queue, self._request, self._offset = queue, request, 0

    def put_nowait(self, message):
        content = getattr(self._request, "content", None)
        if message.get("type") == "http.request" and content is not None and message.get("body"):
            size = len(message["body"])
            message = _LazyChunk(content, self._offset, size, message.get("more_body", False))
            self._offset += size
        return self._queue.put_nowait(message)

    def __getattr__(self, name):
        return getattr(self._queue, name)


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
    def run(self):
        # Daphne builds its HTTP factory inside run(); ours takes over once the reactor runs, before the
        # first connection is accepted.
        from twisted.internet import reactor

        reactor.callWhenRunning(self._limit_bodies)
        return super().run()

    def _limit_bodies(self):
        self.http_factory.__class__ = LimitedHTTPFactory

    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket" and isinstance(protocol.transport, Connection):
            scope["extensions"] = {**(scope.get("extensions") or {}), FRAME_WRITER: FrameWriter(protocol)}
        queue = super().create_application(protocol, scope)
        if queue is not None and scope.get("type") == "http" and isinstance(protocol, WebRequest):
            return _LazyBodyQueue(queue, protocol)
        return queue


class FanOutCommandLine(CommandLineInterface):
    server_class = FanOutServer


if __name__ == "__main__":
    FanOutCommandLine.entrypoint()
