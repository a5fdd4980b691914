"""How an opening event travels to watchers: its frame text, made once per event, and its websocket bytes.

A frame carries the viewer's previous visible sequence number ("prev"), which is the
same for nearly every watcher, so the text and the framed bytes are made once per
distinct "prev" and shared by all the watchers of a worker.
"""
from autobahn.websocket.protocol import PreparedMessage

# The ASGI extension trading.realtime.server offers: a FrameWriter for the connection.
FRAME_WRITER = "sunlight.frame_writer"


def event_text(prev, encoded_event):
    return '{"type":"event","prev":%d,"event":%s}' % (prev, encoded_event)


def websocket_frame(text):
    """The bytes of one unmasked websocket text frame, as a server sends it (framed by autobahn)."""
    return PreparedMessage(text.encode(), isBinary=False, applyMask=False, doNotCompress=True).payloadHybi


class EventFrames:
    __slots__ = ("encoded", "_texts", "_frames")

    def __init__(self, encoded_event):
        self.encoded = encoded_event
        self._texts = {}
        self._frames = {}

    def text(self, prev):
        text = self._texts.get(prev)
        if text is None:
            text = self._texts[prev] = event_text(prev, self.encoded)
        return text

    def frame(self, prev):
        frame = self._frames.get(prev)
        if frame is None:
            frame = self._frames[prev] = websocket_frame(self.text(prev))
        return frame
