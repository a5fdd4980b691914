"""Media storage full or unwritable: a clean 503 refusal, and nothing half-stored
(no bid row, no receipt, no audit entry, no orphan file)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.bids.builders import CONTENT, api_client, sealed_form
from tests.files import pdf
from tests.tenders.builders import draft_tender
from trading.audit.models import AuditEntry
from trading.bids.models import Bid, BidAttachment, Receipt
from trading.tenders.models import TenderDocument

PDF = pdf("padding " * 500)
STORAGES = {"full": "tests.faults.storage.FullDisk", "read-only": "tests.faults.storage.ReadOnlyDisk"}


@pytest.fixture(params=list(STORAGES))
def broken_disk(request, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": STORAGES[request.param]}}
    return request.param


def stored_files(settings):
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_api_submission_is_refused_whole(broken_disk, tender_for_bids, contractor, settings):
    audit_before = AuditEntry.objects.count()
    response = api_client(contractor).post(
        "/api/bids/", {"tender": tender_for_bids.pk, **CONTENT, "client_key": "disk-1",
                       "attachments": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]},
        format="multipart")
    assert response.status_code == 503
    assert response.json()["retry"] is True and "Nothing was stored" in response.json()["detail"]
    assert response["Retry-After"]
    assert not Bid.objects.exists() and not BidAttachment.objects.exists() and not Receipt.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert stored_files(settings) == []


def test_form_submission_gets_a_page_not_a_traceback(broken_disk, tender_for_bids, contractor, settings):
    client = Client(raise_request_exception=False)
    client.force_login(contractor)
    response = client.post(reverse("bids:submit", args=[tender_for_bids.pk]),
                           sealed_form(tender_for_bids, attachments=[SimpleUploadedFile("a.pdf", PDF)]))
    page = response.content.decode()
    assert response.status_code == 503
    assert "try again" in page and "Traceback" not in page and "OSError" not in page
    assert not Bid.objects.exists() and stored_files(settings) == []


def test_the_retry_after_the_disk_recovers_is_stored_once(broken_disk, tender_for_bids, contractor, settings):
    body = {"tender": tender_for_bids.pk, **CONTENT, "client_key": "disk-2"}
    failed = api_client(contractor).post("/api/bids/", {**body, "attachments": [SimpleUploadedFile("a.pdf", PDF)]},
                                         format="multipart")
    assert failed.status_code == 503
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    retried = api_client(contractor).post("/api/bids/", {**body, "attachments": [SimpleUploadedFile("a.pdf", PDF)]},
                                          format="multipart")
    assert retried.status_code == 201
    assert Bid.objects.count() == 1 and len(stored_files(settings)) == 1


def test_document_upload_is_refused_whole(broken_disk, entity_user, settings):
    draft = draft_tender(entity_user)
    response = api_client(entity_user).post(f"/api/tenders/{draft.pk}/documents/",
                                            {"title": "Conditions", "file": SimpleUploadedFile("c.pdf", PDF)},
                                            format="multipart")
    assert response.status_code == 503
    assert not TenderDocument.objects.exists() and stored_files(settings) == []
