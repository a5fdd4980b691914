"""What a bid document says about who made it: the digest of its plaintext and the
metadata office files carry (author, creating application, template).

Two firms submitting the same file, or documents written by the same person from the
same private template, is one of the deemed-collusion signs of the bidding law.  Values
every office suite writes by default (``Normal.dotm``, "Administrator") say nothing and
are dropped.  Pure standard library: office files are zip archives of small XML parts
(only parts under ``MAX_PART`` bytes are read), PDF metadata is a plain dictionary.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

MAX_PART = 1 << 20
GENERIC_AUTHORS = {"", "administrator", "admin", "user", "owner", "unknown", "microsoft office user",
                   "windows user", "author", "default", "pc", "lenovo", "dell", "hp", "微软用户", "用户"}
GENERIC_TEMPLATES = {"", "normal", "normal.dot", "normal.dotm", "normal.dotx", "blank", "normal.wpt",
                     "default", "default.ott"}
_PDF_FIELD = re.compile(rb"/(Author|Creator|Producer)\s*\(((?:\\.|[^\\)]){0,200})\)")


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    author: str = ""
    application: str = ""
    template: str = ""


def _clean(value, generic=frozenset()) -> str:
    text = " ".join(str(value or "").split())[:200]
    return "" if text.lower() in generic else text


def _part(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART:
        return None
    try:
        return ElementTree.fromstring(archive.read(info))
    except ElementTree.ParseError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _texts(root) -> dict:
    out = {}
    if root is None:
        return out
    for el in root.iter():
        name = _local(el.tag)
        if el.text and el.text.strip() and name not in out:
            out[name] = el.text.strip()
        for key, value in el.attrib.items():       # ODF: <meta:template xlink:href="...">
            if _local(key) == "href" and name == "template":
                out.setdefault("template", value)
    return out


def _office(data: bytes) -> tuple[str, str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return "", "", ""
    with archive:
        core = _texts(_part(archive, "docProps/core.xml"))      # OOXML (Word, Excel, WPS)
        app = _texts(_part(archive, "docProps/app.xml"))
        odf = _texts(_part(archive, "meta.xml"))                  # OpenDocument
    author = core.get("creator") or odf.get("initial-creator") or odf.get("creator") or ""
    application = app.get("Application") or odf.get("generator") or ""
    template = app.get("Template") or odf.get("template") or ""
    return author, application, template.rsplit("/", 1)[-1]


def _pdf(data: bytes) -> tuple[str, str, str]:
    found = {}
    for key, raw in _PDF_FIELD.findall(data[:MAX_PART] + data[-MAX_PART:]):
        found.setdefault(key.decode(), raw.decode("latin-1").replace("\\(", "(").replace("\\)", ")"))
    return found.get("Author", ""), found.get("Creator") or found.get("Producer", ""), ""


def fingerprint(name: str, data: bytes) -> Fingerprint:
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        author, application, template = _office(data)
    elif data[:5] == b"%PDF-":
        author, application, template = _pdf(data)
    else:
        author = application = template = ""
    return Fingerprint(digest, _clean(author, GENERIC_AUTHORS), _clean(application),
                       _clean(template, GENERIC_TEMPLATES))
