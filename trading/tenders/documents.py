"""Checks on uploaded tender documents: the extension must match what the bytes are."""
import hashlib
import os
import zipfile

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
# Office files are zip archives; their main part tells them apart from any zip.
OFFICE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def extension(name):
    return os.path.splitext(name or "")[1].lower()


def safe_filename(name):
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, ext = os.path.splitext(base)
    return get_valid_filename(stem[:120] or "document") + ext.lower()


def content_matches(ext, fileobj):
    """Does the file's content look like its extension says? Reads from the start and rewinds."""
    fileobj.seek(0)
    head = fileobj.read(4096)
    fileobj.seek(0)
    if ext == ".txt":
        return b"\x00" not in head and _is_utf8_prefix(head)
    if not any(head.startswith(m) for m in MAGIC.get(ext, ())):
        return False
    if ext in OFFICE_PART:
        try:
            with zipfile.ZipFile(fileobj) as archive:
                return OFFICE_PART[ext] in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            fileobj.seek(0)
    return True


ARCHIVES = {".zip", ".docx", ".xlsx"}


class ArchiveTooLarge(ValueError):
    """A zip bomb, or an archive that expands beyond the platform's limits."""


def check_archive(ext, fileobj):
    """Refuse an archive that expands too far (a zip bomb). Reads from the start and rewinds.

    The sizes in the zip directory can lie, so each member is decompressed in chunks and
    counted; decompression stops as soon as a limit is passed.
    """
    if ext not in ARCHIVES:
        return
    limits = settings.SUNLIGHT
    fileobj.seek(0, os.SEEK_END)
    compressed = max(fileobj.tell(), 1)
    budget = min(limits["MAX_UNZIPPED_BYTES"], compressed * limits["MAX_ZIP_RATIO"])
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if len(members) > limits["MAX_ZIP_MEMBERS"]:
                raise ArchiveTooLarge("members")
            if sum(m.file_size for m in members) > budget:
                raise ArchiveTooLarge("declared size")
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        total += len(chunk)
                        if total > budget:
                            raise ArchiveTooLarge("actual size")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        # Encrypted, damaged or exotic archives cannot be checked, so they are not accepted.
        raise ArchiveTooLarge("unreadable") from exc
    finally:
        fileobj.seek(0)


def _is_utf8_prefix(data):
    # The 4 KiB cut may split a multi-byte character; up to 3 trailing bytes may be incomplete.
    for cut in range(4):
        try:
            data[: len(data) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def sha256_of(fileobj):
    fileobj.seek(0)
    h = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1 << 16), b""):
        h.update(chunk)
    fileobj.seek(0)
    return h.hexdigest()


def check_upload(errors, field, upload):
    """Put in `errors[field]` why an uploaded file is refused: missing, empty, too large, a type the platform
    does not take, content that is not what its extension says, or an archive that expands too far."""
    if upload is None or not hasattr(upload, "read"):
        errors[field] = _("Choose a file.")
        return
    ext = extension(upload.name)
    allowed = settings.SUNLIGHT["DOCUMENT_EXTENSIONS"]
    limit = settings.SUNLIGHT["MAX_DOCUMENT_BYTES"]
    if ext not in allowed:
        errors[field] = _("Allowed file types: %(types)s.") % {"types": ", ".join(allowed)}
    elif not upload.size:
        errors[field] = _("The file is empty.")
    elif upload.size > limit:
        errors[field] = _("The file is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024}
    elif not content_matches(ext, upload):
        errors[field] = _("The content of the file is not a %(ext)s file.") % {"ext": ext}
    else:
        try:
            check_archive(ext, upload)
        except ArchiveTooLarge:
            errors[field] = _("The archive is damaged, encrypted or expands too far (a zip bomb?); it was refused.")
