"""Executables, oversize files and zip bombs are refused, as tender documents and as bid
attachments, with a field message; nothing is stored."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.bids.builders import CONTENT, api_client
from tests.tenders.builders import draft_tender
from trading.bids.models import Bid, BidAttachment
from trading.tenders.models import TenderDocument

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb():
    # 60 MB of zeros deflate to about 60 KB: a ratio near 1000.
    return zipped({"readme.txt": b"\x00" * (60 * 1024 * 1024)})


def docx_bomb():
    return zipped({"word/document.xml": b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>"})


def lying_zip():
    """A member whose directory entries claim 10 bytes while it inflates to 30 MB."""
    data = zipped({"data.txt": b"A" * (30 * 1024 * 1024)})
    real = (30 * 1024 * 1024).to_bytes(4, "little")
    return data.replace(real, (10).to_bytes(4, "little"))


BAD_FILES = {
    "windows executable": ("setup.exe", EXE),
    "executable named as pdf": ("invoice.pdf", EXE),
    "linux executable named as zip": ("tools.zip", ELF),
    "shell script": ("install.sh", b"#!/bin/sh\nrm -rf /\n"),
    "html page": ("notice.html", b"<script>alert(1)</script>"),
    "zip bomb": ("drawings.zip", bomb()),
    "docx bomb": ("conditions.docx", docx_bomb()),
    "zip with lying sizes": ("data.zip", lying_zip()),
    "encrypted-looking garbage zip": ("archive.zip", b"PK\x03\x04" + b"\xff" * 300),
}


def media_files(settings):
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


@pytest.fixture
def draft(entity_user):
    return draft_tender(entity_user)


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_document_is_refused(kind, draft, entity_user, settings):
    name, data = BAD_FILES[kind]
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Conditions", "file": SimpleUploadedFile(name, data)},
                                            format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not TenderDocument.objects.exists() and not media_files(settings)


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_attachment_is_refused(kind, tender_for_bids, contractor, settings):
    name, data = BAD_FILES[kind]
    response = api_client(contractor).post("/api/bids/", {"tender": tender_for_bids.pk, **CONTENT,
                                                          "attachments": [SimpleUploadedFile(name, data)]},
                                           format="multipart")
    assert response.status_code == 400 and "attachments" in response.json()
    assert not Bid.objects.exists() and not media_files(settings)


def test_oversize_files_are_refused(settings, draft, entity_user, tender_for_bids, contractor):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_DOCUMENT_BYTES": 4096, "MAX_ATTACHMENT_BYTES": 4096}
    big = PDF + b"%" * 5000
    document = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Big", "file": SimpleUploadedFile("big.pdf", big)},
                                            format="multipart")
    assert document.status_code == 400 and "larger than" in str(document.json()["file"])
    bid = api_client(contractor).post("/api/bids/", {"tender": tender_for_bids.pk, **CONTENT,
                                                     "attachments": [SimpleUploadedFile("big.pdf", big)]},
                                      format="multipart")
    assert bid.status_code == 400 and "larger than" in str(bid.json()["attachments"])
    assert not media_files(settings)


def test_ordinary_archives_still_pass(draft, entity_user, tender_for_bids, contractor, settings):
    drawings = zipped({f"sheet-{i}.txt": f"sheet {i}\n".encode() * 200 for i in range(20)})
    document = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Drawings", "file": SimpleUploadedFile("d.zip", drawings)},
                                            format="multipart")
    assert document.status_code == 201
    bid = api_client(contractor).post("/api/bids/", {"tender": tender_for_bids.pk, **CONTENT,
                                                     "attachments": [SimpleUploadedFile("d.zip", drawings)]},
                                      format="multipart")
    assert bid.status_code == 201 and BidAttachment.objects.count() == 1


def test_an_archive_with_too_many_members_is_refused(settings, draft, entity_user):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_ZIP_MEMBERS": 50}
    many = zipped({f"f{i}.txt": b"x" for i in range(51)})
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Many", "file": SimpleUploadedFile("many.zip", many)},
                                            format="multipart")
    assert response.status_code == 400
