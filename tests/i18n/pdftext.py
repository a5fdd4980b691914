"""The text of the platform's PDFs, as a reader's viewer shows it, with no PDF library: ReportLab writes its streams
ASCII85 + Flate encoded and, in the CID font STSong-Light every PDF of the platform uses, each string as UCS-2."""
import base64
import re
import zlib

STREAM = re.compile(rb"\bobj\s*<<((?:(?!endobj).)*?)>>\s*stream\r?\n(.*?)\r?\n?endstream", re.S)
STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _decode_stream(header, data):
    if b"ASCII85Decode" in header:
        data = data.strip()
        data = base64.a85decode(data[:-2] if data.endswith(b"~>") else data)
    if b"FlateDecode" in header:
        data = zlib.decompress(data)
    return data


def _unescape(literal):
    out, i = bytearray(), 0
    while i < len(literal):
        c = literal[i:i + 1]
        if c == b"\\":
            nxt = literal[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def _text(raw):
    if len(raw) % 2 == 0 and raw:
        try:
            return raw.decode("utf-16-be")
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def pdf_text(pdf: bytes) -> str:
    """Every string the pages draw, one line per text operator, and the document's title."""
    lines = []
    for header, data in STREAM.findall(pdf):
        if b"/Subtype /Image" in header:
            continue
        try:
            content = _decode_stream(header, data)
        except (ValueError, zlib.error):
            continue
        for literal in STRING.findall(content):
            lines.append(_text(_unescape(literal[1:-1])))
    title = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\))", pdf)
    if title:
        raw = _unescape(title.group(1)[1:-1])
        lines.append(raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1"))
    return "\n".join(lines)
