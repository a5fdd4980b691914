"""Tender documents: what may be uploaded, who may download when, and who may learn who downloaded."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tests.files import docx, jpg, pdf, png, xlsx
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.tenders.moves import move_tender
from trading.tenders import clock, selectors, services
from trading.tenders.models import DocumentDownload, TenderDocument, TenderStatus

from .builders import draft_tender, published_tender
from .conftest import ROLES, as_caller

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


SPEC = pdf("spec")


def pdf_of_size(size):
    """A real PDF of exactly `size` bytes (its note comment pads it)."""
    return pdf("x" * (size - len(pdf("")) - 3))


def upload(user, tender, name, content, title="Tender documents"):
    return services.upload_document(as_caller(user), tender, title, SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name, content", [
    ("spec.pdf", pdf("spec")), ("drawings.png", png()), ("photo.jpg", jpg()),
    ("bill.xlsx", xlsx()), ("contract.docx", docx()), ("notes.txt", "工程量清单".encode()),
    ("all.zip", docx()),
])
def test_allowed_types_are_stored_with_size_and_hash(entity_user, name, content):
    tender = draft_tender(entity_user)
    document = upload(entity_user, tender, name, content)
    assert document.size == len(content) and len(document.sha256) == 64 and document.filename == name
    assert document.file.read() == content
    assert AuditEntry.objects.filter(action="tenders.upload_document", object_id=str(document.pk)).exists()


@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ\x90\x00", "Allowed file types"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", "not a .pdf"),
    ("fake.docx", xlsx(), "not a .docx"),
    ("fake.xlsx", b"PK\x03\x04broken", "not a .xlsx"),
    ("binary.txt", b"abc\x00def", "not a .txt"),
    ("empty.pdf", b"", "empty"),
    ("noext", b"%PDF-1.7", "Allowed file types"),
])
def test_wrong_types_are_refused(entity_user, name, content, message):
    tender = draft_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        upload(entity_user, tender, name, content)
    assert message in error.value.message_dict["file"][0]
    assert not TenderDocument.objects.exists()


def test_oversize_files_are_refused(entity_user, settings):
    settings.SUNLIGHT = dict(settings.SUNLIGHT, MAX_DOCUMENT_BYTES=1000)
    tender = draft_tender(entity_user)
    with pytest.raises(ValidationError) as error:
        upload(entity_user, tender, "big.pdf", pdf_of_size(1001))
    assert "larger than" in error.value.message_dict["file"][0]
    assert upload(entity_user, tender, "ok.pdf", pdf_of_size(1000)).size == 1000


def test_a_new_upload_with_the_same_title_is_a_new_version(entity_user):
    tender = draft_tender(entity_user)
    first = upload(entity_user, tender, "a.pdf", pdf("1"))
    second = upload(entity_user, tender, "a.pdf", pdf("2"))
    assert (first.version, second.version) == (1, 2) and first.sha256 != second.sha256


def test_no_uploads_after_the_deadline_or_to_others_tenders(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        upload(entity_user, tender, "late.pdf", pdf())
    assert "tender" in error.value.message_dict
    other = published_tender()
    with pytest.raises(PermissionDenied):
        upload(entity_user, other, "x.pdf", pdf())


def test_contractors_download_while_on_offer_and_every_download_is_noted(entity_user, contractor, other_contractor):
    tender = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    document = upload(entity_user, tender, "spec.pdf", SPEC)
    services.download_document(as_caller(contractor), document)
    row = DocumentDownload.objects.get()
    assert row.user == contractor and row.organisation == contractor.organisation and row.ip == "198.51.100.7"
    # No audit entry: the audit log is readable before the opening, the download list is not.
    assert not AuditEntry.objects.filter(actor=contractor).exists()
    with clock.shifted(31 * DAY):
        services.download_document(as_caller(contractor), document)  # a party keeps access
        with pytest.raises(PermissionDenied):
            services.download_document(as_caller(other_contractor), document)


def test_documents_not_yet_on_offer_or_of_drafts(entity_user, contractor, holders):
    now = clock.now()
    tender = draft_tender(entity_user, deadline=now + 40 * DAY, documents_from=now + 5 * DAY)
    services.publish_tender(as_caller(entity_user), tender, holders)
    document = upload(entity_user, tender, "spec.pdf", SPEC)
    with pytest.raises(PermissionDenied):
        services.download_document(as_caller(contractor), document)
    with clock.shifted(6 * DAY):
        services.download_document(as_caller(contractor), document)
    hidden = upload(entity_user, draft_tender(entity_user), "draft.pdf", pdf("draft"))
    with pytest.raises(Http404):
        services.download_document(as_caller(contractor), hidden)
    with pytest.raises(PermissionDenied):
        services.download_document(Caller(), document)


def test_download_page_needs_login_and_serves_the_file(client, entity_user, contractor):
    tender = published_tender(entity_user)
    document = upload(entity_user, tender, "spec.pdf", SPEC)
    url = reverse("tenders:document_download", args=[document.pk])
    assert client.get(url).status_code == 302 and not DocumentDownload.objects.exists()
    client.login(username=contractor.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == SPEC
    assert "spec.pdf" in response["Content-Disposition"]
    assert client.get(reverse("tenders:document_download", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_nobody_sees_who_downloaded_before_the_opening(role, user_of, entity_user, contractor):
    viewer = user_of(role) if role != "entity" else entity_user
    tender = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        selectors.downloads_for(viewer, tender)
    move_tender(as_caller(entity_user), tender, TenderStatus.BIDDING_CLOSED)
    with pytest.raises(PermissionDenied):
        selectors.downloads_for(viewer, tender)
    move_tender(as_caller(entity_user), tender, TenderStatus.OPENING)
    if role in {"supervisor", "discipline"}:
        assert list(selectors.downloads_for(viewer, tender)) == []
    else:
        with pytest.raises(PermissionDenied):
            selectors.downloads_for(viewer, tender)


def test_the_download_list_page_after_the_opening(client, entity_user, contractor, supervisor):
    tender = published_tender(entity_user, deadline=clock.now() + 30 * DAY)
    document = upload(entity_user, tender, "spec.pdf", SPEC)
    services.download_document(as_caller(contractor), document)
    url = reverse("tenders:downloads", args=[tender.pk])
    client.login(username=supervisor.username, password=PASSWORD)
    before = client.get(url)
    assert before.status_code == 403 and contractor.username not in before.content.decode()
    detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert url not in detail and contractor.username not in detail
    with clock.shifted(31 * DAY):
        move_tender(as_caller(entity_user), tender, TenderStatus.BIDDING_CLOSED)
        move_tender(as_caller(entity_user), tender, TenderStatus.OPENING)
    after = client.get(url).content.decode()
    assert contractor.username in after and contractor.organisation.name in after
    client.login(username=entity_user.username, password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username=make_user("admin").username, password=PASSWORD)
    assert client.get(url).status_code == 403
