"""Executables, oversize files, zip bombs and files that only look like their type are refused, as tender
documents, bid attachments, complaint evidence, objection attachments, contract documents and site photos, with a
message that names the field, the file and the reason; nothing is stored."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tests.bids.builders import CONTENT, api_client
from tests.files import docx, jpg, pdf, png, with_parts, xlsx
from tests.tenders.builders import draft_tender
from trading.bids.models import Bid, BidAttachment
from trading.tenders.models import TenderDocument

PDF = pdf()
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


def pdf_without_pages():
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;'
                  b'&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document xmlns:w="urn:w">&c;'
                  b'</w:document>')

# Files whose first bytes are those of their type, so a check of the magic bytes let each of them through; each
# is refused because it does not parse as that type. (name, content, the reason the message gives)
DISGUISED = {
    "pdf header on garbage": ("tender.pdf", b"%PDF-1.7\n" + b"\x00garbage\xff" * 60, "PDF reader"),
    "pdf header on an executable": ("offer.pdf", b"%PDF-1.4\n" + EXE, "PDF reader"),
    "pdf without pages": ("blank.pdf", pdf_without_pages(), "no pages"),
    "png header on an executable": ("plan.png", b"\x89PNG\r\n\x1a\n" + EXE, "image viewer"),
    "truncated jpeg": ("site.jpg", jpg((64, 48))[:200], "image viewer"),
    "docx without its content types": ("terms.docx", zipped({"word/document.xml": b"<w:document/>"}),
                                       "Office Open XML"),
    "workbook named docx": ("terms.docx", xlsx(), "Office Open XML"),
    "docx with broken xml": ("terms.docx", docx(parts={"word/document.xml": b"<w:document><w:body>"}),
                             "well-formed"),
    "docx declaring entities": ("terms.docx", docx(parts={"word/document.xml": BILLION_LAUGHS}), "well-formed"),
    "macro workbook named xlsx": ("prices.xlsx", with_parts(xlsx(), {"xl/vbaProject.bin": EXE}), "macros"),
    "zip naming a path outside": ("drawings.zip", zipped({"../../etc/cron.d/job": b"* * * * * root sh"}), "outside"),
    "text with a bad byte after 4 KB": ("notes.txt", b"Bill of quantities\n" * 300 + b"\xff\xfe", "UTF-8"),
}
def printed_pdf():
    """A PDF as a real writer makes it: two pages of text, compressed, by reportlab."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    for page in (1, 2):
        sheet.drawString(72, 720, f"Conditions of contract, page {page}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


GOOD = {"printed.pdf": printed_pdf(), "spec.pdf": pdf("spec"), "plan.png": png(), "site.jpg": jpg(), "terms.docx": docx(), "prices.xlsx": xlsx(),
        "notes.txt": "工程量清单\n".encode() * 2000, "drawings.zip": zipped({"a.txt": b"sheet"})}


def said(answer, field):
    return " ".join(str(message) for message in answer[field])


@pytest.mark.parametrize("kind", list(DISGUISED))
def test_a_document_that_does_not_parse_as_its_type_is_refused(kind, draft, entity_user, settings):
    name, data, reason = DISGUISED[kind]
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Conditions", "file": SimpleUploadedFile(name, data)},
                                            format="multipart")
    assert response.status_code == 400, response.content[:300]
    message = said(response.json(), "file")
    assert f"{name} is refused" in message and reason in message, message
    assert not TenderDocument.objects.exists() and not media_files(settings)


@pytest.mark.parametrize("kind", list(DISGUISED))
def test_an_attachment_that_does_not_parse_as_its_type_is_refused(kind, tender_for_bids, contractor, settings):
    name, data, reason = DISGUISED[kind]
    response = api_client(contractor).post("/api/bids/", {"tender": tender_for_bids.pk, **CONTENT,
                                                          "attachments": [SimpleUploadedFile(name, data)]},
                                           format="multipart")
    assert response.status_code == 400, response.content[:300]
    message = said(response.json(), "attachments")
    assert f"{name} is refused" in message and reason in message, message
    assert not Bid.objects.exists() and not media_files(settings)


def test_real_files_of_every_type_pass(draft, entity_user, tender_for_bids, contractor):
    for name, data in GOOD.items():
        response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                                {"title": name, "file": SimpleUploadedFile(name, data)},
                                                format="multipart")
        assert response.status_code == 201, (name, response.content[:300])
    bid = api_client(contractor).post("/api/bids/", {
        "tender": tender_for_bids.pk, **CONTENT,
        "attachments": [SimpleUploadedFile(name, data) for name, data in GOOD.items()]}, format="multipart")
    assert bid.status_code == 201, bid.content[:300]
    assert TenderDocument.objects.count() == len(GOOD) and BidAttachment.objects.count() == len(GOOD)


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(settings, draft, entity_user):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_IMAGE_PIXELS": 10_000}
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Plan", "file": SimpleUploadedFile("plan.png", png((200, 100)))},
                                            format="multipart")
    assert response.status_code == 400
    assert "200 × 100 pixels; at most 10,000 pixels" in said(response.json(), "file")


def test_megabytes_of_garbage_behind_a_pdf_header_are_refused_at_once(draft, entity_user):
    """Without the end of a PDF (startxref, %%EOF) a PDF reader searches the whole file backwards for it, line by
    line: seconds a megabyte of the worker's time. Such a file is refused from its last bytes."""
    import time

    garbage = b"%PDF-1.4 " + b"x" * (4 * 1024 * 1024)
    started = time.monotonic()
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Big", "file": SimpleUploadedFile("big.pdf", garbage)},
                                            format="multipart")
    assert response.status_code == 400 and "does not end as a PDF ends" in said(response.json(), "file")
    assert time.monotonic() - started < 2


def test_two_refused_files_of_one_field_each_get_their_reason():
    from trading.tenders import documents

    errors = {}
    documents.check_upload(errors, "documents", SimpleUploadedFile("a.pdf", b"%PDF-1.4 nothing else"))
    documents.check_upload(errors, "documents", SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n"))
    assert [m.split(" is refused")[0] for m in errors["documents"]] == ["a.pdf", "b.png"]


# Every other upload field reaches the same validator: complaint evidence, an objection's attachments, a contract
# amendment's documents and a site check-in's photo each refuse a file that only starts like a PDF or a JPEG.
FAKE_PDF = b"%PDF-1.4 a header and nothing else"
FAKE_JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"0" * 64


def refusal(action, field):
    with pytest.raises(ValidationError) as caught:
        action()
    return " ".join(caught.value.message_dict[field])


def test_complaint_evidence_is_parsed(db):
    from tests.complaints.builders import call, noticed
    from trading.complaints import services
    from trading.complaints.models import Complaint, Evidence
    from trading.tenders import clock

    a = noticed()
    message = refusal(lambda: services.file_complaint(
        call(a.bidders[1]), a.tender.pk, "award", "The winner's manager is elsewhere.", clock.now(), None,
        [SimpleUploadedFile("register.pdf", FAKE_PDF)]), "evidence")
    assert "register.pdf is refused" in message and "PDF reader" in message
    assert not Complaint.objects.exists() and not Evidence.objects.exists()


def test_objection_attachments_are_parsed(db):
    from tests.award.builders import reported
    from trading.award.models import Objection

    a = reported()
    a.publish()
    message = refusal(lambda: a.object(attachments=[SimpleUploadedFile("licence.pdf", FAKE_PDF)]), "attachments")
    assert "licence.pdf is refused" in message and "PDF reader" in message
    assert not Objection.objects.exists()


def test_contract_documents_and_site_photos_are_parsed(db):
    from tests.contracts.builders import awarded
    from trading.contracts.models import Amendment, Attendance

    a = awarded()
    contract = a.conclude()
    message = refusal(lambda: a.amend(contract, files=[SimpleUploadedFile("agreement.pdf", FAKE_PDF)],
                                      price=str(contract.price + 1)), "documents")
    assert "agreement.pdf is refused" in message and "PDF reader" in message
    message = refusal(lambda: a.check_in(contract, photo=SimpleUploadedFile("site.jpg", FAKE_JPG)), "photo")
    assert "site.jpg is refused" in message and "image viewer" in message
    assert not Amendment.objects.exists() and not Attendance.objects.exists()


def test_the_upload_page_shows_the_refusal_at_the_file_field(client, draft, entity_user, settings):
    from django.urls import reverse

    from tests.factories import PASSWORD

    client.login(username=entity_user.username, password=PASSWORD)
    response = client.post(reverse("tenders:upload", args=[draft.pk]), {
        "title": "Conditions", "file": SimpleUploadedFile("conditions.docx", docx(parts={
            "word/document.xml": b"<w:document><w:body>"}))})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "conditions.docx is refused" in page and "word/document.xml is not well-formed XML" in page
    assert not TenderDocument.objects.exists() and not media_files(settings)
