"""Checks on uploaded files (tender documents, bid attachments, complaint evidence, objection attachments,
contract documents and site photos): one validator for them all.

A file is taken only if it parses as what its extension says: a PDF opens in a PDF reader and has pages, an
image decodes, a .docx or .xlsx is an Office Open XML package whose parts are well-formed XML (no DTD, no
macros), a .zip inflates within the platform's limits, a .txt is UTF-8 text. The magic bytes alone are not
enough: a file that only starts like a PDF, an executable with a PNG header, a macro workbook renamed .xlsx
or a zip bomb is refused, with the file's name and the reason, before anything is written.
"""
import codecs
import hashlib
import logging
import os
import zipfile
from xml.parsers import expat

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG"}
# Office files are zip archives; their main part, its root element and its declared content type tell them
# apart from any zip (and from their macro-enabled twins, .docm and .xlsm, renamed).
OFFICE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
OFFICE_ROOT = {".docx": "document", ".xlsx": "workbook"}
OFFICE_TYPE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ARCHIVES = {".zip", ".docx", ".xlsx"}
# pypdf reports each flaw of a damaged PDF as a warning: a refused upload is not an event for the log.
logging.getLogger("pypdf").setLevel(logging.ERROR)
# A 24-megapixel phone photo passes; a PNG of more pixels would take hundreds of MB to decode.
MAX_IMAGE_PIXELS = 40_000_000


class Refused(ValueError):
    """Why a file's content is refused: a sentence for the person who uploaded it (without the file's name)."""


class ArchiveTooLarge(Refused):
    """A zip bomb, or an archive that expands beyond the platform's limits."""


def extension(name):
    return os.path.splitext(name or "")[1].lower()


def safe_filename(name):
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, ext = os.path.splitext(base)
    return get_valid_filename(stem[:120] or "document") + ext.lower()


def shown_name(name):
    """The uploaded file's name as an error message shows it: the last path part, at most 200 characters."""
    return os.path.basename(str(name or "").replace("\\", "/"))[:200] or "?"


def inspect_content(ext, fileobj):
    """Parse the file as what its extension `ext` says it is; raise Refused with the reason if it is not.
    Reads from the start and rewinds. The extension must be one of the allowed ones."""
    try:
        fileobj.seek(0)
        if ext == ".txt":
            _check_text(fileobj)
            return
        head = fileobj.read(8)
        fileobj.seek(0)
        if not any(head.startswith(m) for m in MAGIC.get(ext, ())):
            raise Refused(_("it is not a %(ext)s file: its content is of another kind.") % {"ext": ext})
        if ext == ".pdf":
            _check_pdf(fileobj)
        elif ext in IMAGE_FORMATS:
            _check_image(ext, fileobj)
        elif ext in ARCHIVES:
            check_archive(ext, fileobj)
            if ext in OFFICE_PART:
                _check_office(ext, fileobj)
    finally:
        fileobj.seek(0)


def _check_text(fileobj):
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(1 << 16):
            if b"\x00" in chunk:
                raise Refused(_("it is not a .txt file: it holds NUL bytes, as binary files do."))
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise Refused(_("it is not a .txt file: the text is not UTF-8.")) from exc


# Readers look for the end marker in the last kilobyte; some scanners pad a PDF after it, so a wider tail is read.
PDF_TAIL = 64 * 1024


def _check_pdf(fileobj):
    # A PDF ends with its cross-reference pointer: `startxref`, an offset, `%%EOF`. Without them a PDF reader
    # searches the whole file backwards for them, line by line: half a minute for 20 MB of garbage on disk, so such
    # a file is refused from its tail alone.
    fileobj.seek(0, os.SEEK_END)
    fileobj.seek(max(0, fileobj.tell() - PDF_TAIL))
    tail = fileobj.read(PDF_TAIL)
    fileobj.seek(0)
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise Refused(_("it is not a .pdf file a PDF reader can open (it does not end as a PDF ends)."))
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(_("the PDF is protected by a password; upload it without one."))
        pages = len(reader.pages)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 -- whatever the parser trips on, the file is not a readable PDF
        raise Refused(_("it is not a .pdf file a PDF reader can open (it is damaged, or only named .pdf).")) from exc
    if not pages:
        raise Refused(_("the PDF has no pages."))


def _check_image(ext, fileobj):
    kind = IMAGE_FORMATS[ext]
    limit = settings.SUNLIGHT.get("MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)
    try:
        with Image.open(fileobj, formats=[kind]) as image:
            width, height = image.size
            if width * height > limit:
                raise Refused(_("the image is %(width)d × %(height)d pixels; at most %(limit)s pixels in all are "
                                "accepted.") % {"width": width, "height": height, "limit": f"{limit:,}"})
            image.verify()
        fileobj.seek(0)
        # verify() reads the structure; decoding finds a damaged or truncated picture. A JPEG is decoded at an
        # eighth of its size (what draft() allows), which checks every block with 1/64 of the memory.
        with Image.open(fileobj, formats=[kind]) as image:
            image.draft(None, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 -- Pillow raises many kinds for a damaged image
        raise Refused(_("it is not a %(ext)s file an image viewer can open (it is damaged, or only named %(ext)s).")
                      % {"ext": ext}) from exc


def check_archive(ext, fileobj):
    """Refuse an archive that expands too far (a zip bomb), holds too many members, names a path outside
    itself, or cannot be read. Reads from the start and rewinds.

    The sizes in the zip directory can lie, so each member is decompressed in chunks and
    counted; decompression stops as soon as a limit is passed. Reading a member to its end checks its CRC.
    """
    if ext not in ARCHIVES:
        return
    limits = settings.SUNLIGHT
    fileobj.seek(0, os.SEEK_END)
    compressed = max(fileobj.tell(), 1)
    budget = min(limits["MAX_UNZIPPED_BYTES"], compressed * limits["MAX_ZIP_RATIO"])
    fileobj.seek(0)
    too_far = _("the archive expands too far (a zip bomb?).")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if len(members) > limits["MAX_ZIP_MEMBERS"]:
                raise ArchiveTooLarge(_("the archive holds more than %(n)d files.") % {
                    "n": limits["MAX_ZIP_MEMBERS"]})
            if any(_outside(m.filename) for m in members):
                raise ArchiveTooLarge(_("the archive names a file outside itself (../ or an absolute path)."))
            if sum(m.file_size for m in members) > budget:
                raise ArchiveTooLarge(too_far)
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        total += len(chunk)
                        if total > budget:
                            raise ArchiveTooLarge(too_far)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError) as exc:
        if isinstance(exc, Refused):
            raise
        # Encrypted, damaged or exotic archives cannot be checked, so they are not accepted.
        raise ArchiveTooLarge(_("it is not a %(ext)s file: the archive is damaged or encrypted.")
                              % {"ext": ext}) from exc
    finally:
        fileobj.seek(0)


def _outside(name):
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _check_office(ext, fileobj):
    """An Office Open XML package: [Content_Types].xml declares the main part as the document type the
    extension names, every XML part parses (without a DTD), and there is no macro project."""
    not_office = _("it is not a %(ext)s file: it is not an Office Open XML package of that kind.") % {"ext": ext}
    with zipfile.ZipFile(fileobj) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or OFFICE_PART[ext] not in names:
            raise Refused(not_office)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise Refused(_("it holds macros; save it as a plain %(ext)s file, without them.") % {"ext": ext})
        types = {}
        roots = {}
        for name in sorted(names):
            if not name.lower().endswith((".xml", ".rels")):
                continue
            with archive.open(name) as stream:
                try:
                    roots[name] = _xml_root(stream, types if name == "[Content_Types].xml" else None)
                except (expat.ExpatError, _NoDTD) as exc:
                    raise Refused(_("it is not a %(ext)s file: its part %(part)s is not well-formed XML.")
                                  % {"ext": ext, "part": name}) from exc
    if roots[OFFICE_PART[ext]] != OFFICE_ROOT[ext] or types.get("/" + OFFICE_PART[ext]) != OFFICE_TYPE[ext]:
        raise Refused(not_office)


class _NoDTD(ValueError):
    """Office parts never declare a DTD; one that does could expand entities without bound."""


def _xml_root(stream, overrides=None):
    """Parse an XML stream in chunks; return the local name of its root element. With `overrides` (a dict),
    collect the content types of [Content_Types].xml's <Override PartName=… ContentType=…>."""
    parser = expat.ParserCreate(namespace_separator=" ")
    root = []

    def refuse(*args):
        raise _NoDTD()

    def start(tag, attributes):
        local = tag.rpartition(" ")[2]
        if not root:
            root.append(local)
        if overrides is not None and local == "Override":
            overrides[attributes.get("PartName", "")] = attributes.get("ContentType", "")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    while chunk := stream.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return root[0] if root else ""


def sha256_of(fileobj):
    fileobj.seek(0)
    h = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1 << 16), b""):
        h.update(chunk)
    fileobj.seek(0)
    return h.hexdigest()


def upload_problem(upload, limit=None):
    """Why an uploaded file is refused (a sentence naming the file), or None: missing, empty, too large, a type
    the platform does not take, or content that does not parse as what its extension says."""
    if upload is None or not hasattr(upload, "read"):
        return _("Choose a file.")
    name = shown_name(upload.name)
    ext = extension(name)
    allowed = settings.SUNLIGHT["DOCUMENT_EXTENSIONS"]
    limit = settings.SUNLIGHT["MAX_DOCUMENT_BYTES"] if limit is None else limit
    if ext not in allowed:
        return _("%(name)s is refused. Allowed file types: %(types)s.") % {"name": name, "types": ", ".join(allowed)}
    if not upload.size:
        return _("%(name)s is empty.") % {"name": name}
    if upload.size > limit:
        return _("%(name)s is larger than %(mb).0f MB.") % {"name": name, "mb": limit / 1024 / 1024}
    try:
        inspect_content(ext, upload)
    except Refused as refused:
        return _("%(name)s is refused: %(reason)s") % {"name": name, "reason": refused.args[0]}
    return None


def check_upload(errors, field, upload):
    """Put in `errors[field]` why an uploaded file is refused (see upload_problem); a second refused file of
    the same field adds its own sentence."""
    problem = upload_problem(upload)
    if problem is None:
        return
    if field not in errors:
        errors[field] = problem
    else:
        errors[field] = [*([errors[field]] if isinstance(errors[field], str) else errors[field]), problem]
