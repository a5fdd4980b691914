import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.files import pdf
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.bids import services
from trading.bids.content import Attachment
from trading.bids.models import Bid, BidAttachment, BidStatus, Receipt
from trading.bids.services import SealedUntilDeadline
from trading.tenders import clock
from trading.tenders import services as tender_services

from .builders import after_deadline, rebuild_key, submit

PDF = pdf()


def test_a_submission_is_stored_sealed_with_its_signals_and_receipt(tender, contractor):
    submission = submit(contractor, tender, ip="203.0.113.5", device="sha256:abc")
    bid = Bid.objects.get()
    assert submission.created and submission.bid == bid
    assert bid.status == BidStatus.ACTIVE and bid.version == 1 and bid.bidder == contractor.organisation
    assert bid.price is None and bid.quality == "" and bid.project_manager == ""
    assert bid.sealed_content and len(bytes(bid.sealed_content)) % 1024 == 48  # padded plaintext + sealed box
    assert (bid.ip, bid.user_agent, bid.device_fingerprint) == ("203.0.113.5", "pytest-browser/1.0", "sha256:abc")
    assert Receipt.objects.get().bid == bid
    entry = AuditEntry.objects.get(action="bids.submit")
    assert entry.summary["ciphertext_sha256"] == bid.content_digest


def test_replacing_keeps_the_old_version_as_replaced(tender, contractor):
    first = submit(contractor, tender).bid
    second = submit(contractor, tender, price="1100000.00").bid
    first.refresh_from_db()
    assert first.status == BidStatus.REPLACED
    assert second.status == BidStatus.ACTIVE and second.version == 2
    assert second.receipt.payload["version"] == 2
    assert second.receipt.seq == first.receipt.seq + 1
    assert Bid.objects.filter(tender=tender, bidder=contractor.organisation, status=BidStatus.ACTIVE).count() == 1


def test_withdrawing_then_bidding_again(tender, contractor):
    bid = submit(contractor, tender).bid
    services.withdraw_bid(Caller(user=contractor), bid.pk)
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_bid(Caller(user=contractor), bid.pk)
    again = submit(contractor, tender).bid
    assert again.version == 2 and again.status == BidStatus.ACTIVE


def test_the_same_client_key_returns_the_same_bid_and_receipt(tender, contractor):
    first = submit(contractor, tender, client_key="order-42")
    again = submit(contractor, tender, client_key="order-42", price="1.00")
    assert not again.created
    assert (again.bid.pk, again.receipt.seq) == (first.bid.pk, first.receipt.seq)
    assert Bid.objects.count() == 1 and Receipt.objects.count() == 1
    # A retry that arrives after the deadline still gets its original answer.
    with after_deadline(tender):
        late_retry = submit(contractor, tender, client_key="order-42")
    assert late_retry.bid.pk == first.bid.pk


def test_a_client_key_cannot_be_reused_for_another_tender(tender, contractor, entity_user, holders):
    from tests.tenders.builders import published_tender

    submit(contractor, tender, client_key="k-1")
    other = published_tender(entity_user=entity_user, holders=holders)
    with pytest.raises(ValidationError) as error:
        submit(contractor, other, client_key="k-1")
    assert "client_key" in error.value.message_dict


def test_a_bid_committed_after_the_deadline_is_refused_and_nothing_is_stored(tender, contractor):
    entries_before = AuditEntry.objects.count()
    with clock.frozen_at(tender.deadline):
        with pytest.raises(ValidationError) as error:
            submit(contractor, tender, attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    assert "deadline passed" in error.value.message_dict["tender"][0]
    assert not Bid.objects.exists() and not Receipt.objects.exists() and not BidAttachment.objects.exists()
    assert AuditEntry.objects.count() == entries_before
    with clock.frozen_at(tender.deadline - dt.timedelta(microseconds=1)):
        assert submit(contractor, tender).created


def test_the_deadline_is_read_inside_the_transaction(tender, contractor, monkeypatch):
    seen = []
    real_now = clock.now

    def watching_now():
        seen.append(connection.in_atomic_block)
        return real_now()

    monkeypatch.setattr(clock, "now", watching_now)
    submit(contractor, tender)
    assert seen and all(seen)


def test_withdraw_and_confirm_are_refused_after_the_deadline(tender, contractor):
    bid = submit(contractor, tender).bid
    with after_deadline(tender):
        with pytest.raises(ValidationError, match="deadline"):
            services.withdraw_bid(Caller(user=contractor), bid.pk)
    bid.refresh_from_db()
    assert bid.status == BidStatus.ACTIVE


def test_a_change_of_conditions_requires_confirmation(tender, contractor, other_contractor, entity_user):
    mine = submit(contractor, tender).bid
    theirs = submit(other_contractor, tender).bid
    tender_services.add_clarification(Caller(user=entity_user), tender, "The bridge deck is 2 m wider.",
                                      changes_conditions=True)
    for bid in (mine, theirs):
        bid.refresh_from_db()
        assert bid.needs_reconfirmation and bid.confirmed_at is None
    services.confirm_bid(Caller(user=contractor), mine.pk)
    mine.refresh_from_db()
    assert not mine.needs_reconfirmation and mine.confirmed_at is not None
    with pytest.raises(ValidationError):
        services.confirm_bid(Caller(user=contractor), mine.pk)
    # At the opening the unconfirmed bid is not valid: it lapses and is not decrypted.
    tender.refresh_from_db()
    with after_deadline(tender):
        opened = services.open_bids(tender, rebuild_key(tender))
    theirs.refresh_from_db()
    assert [b.pk for b in opened] == [mine.pk]
    assert theirs.status == BidStatus.LAPSED and theirs.price is None


def test_only_contractors_with_an_organisation_may_bid(tender, entity_user, supervisor, discipline, expert,
                                                       admin_user):
    for user in (entity_user, supervisor, discipline, expert, admin_user):
        with pytest.raises(PermissionDenied):
            submit(user, tender)
    assert not Bid.objects.exists()


def test_unknown_draft_and_closed_tenders(tender, contractor, entity_user):
    from tests.tenders.builders import draft_tender

    with pytest.raises(ValidationError, match="No such tender"):
        submit(contractor, type("Unknown", (), {"pk": 999999}))
    draft = draft_tender(entity_user)
    with pytest.raises(ValidationError, match="No such tender"):
        submit(contractor, draft)
    tender_services.cancel_tender(Caller(user=entity_user), tender, "Budget withdrawn")
    with pytest.raises(ValidationError, match="not open for bids"):
        submit(contractor, tender)


def test_attachments_are_sealed_and_checked_for_type_and_size(tender, contractor, settings):
    submission = submit(contractor, tender, attachments=[SimpleUploadedFile("method statement.pdf", PDF)])
    attachment = submission.bid.attachments.get()
    stored = attachment.sealed_file.read()
    assert PDF not in stored and b"method statement" not in stored
    assert attachment.sealed_file.name.endswith(".sealed") and "method" not in attachment.sealed_file.name
    assert submission.receipt.payload["attachments_sha256"] == [attachment.digest]

    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_ATTACHMENT_BYTES": 100}
    cases = [SimpleUploadedFile("big.pdf", PDF + b"x" * 200), SimpleUploadedFile("run.exe", b"MZ"),
             SimpleUploadedFile("fake.pdf", b"not a pdf"), SimpleUploadedFile("empty.txt", b"")]
    for upload in cases:
        with pytest.raises(ValidationError) as error:
            submit(contractor, tender, attachments=[upload])
        assert "attachments" in error.value.message_dict
    assert Bid.objects.count() == 1 and BidAttachment.objects.count() == 1


def test_a_failed_submission_leaves_no_file_behind(tender, contractor, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the receipt counter is unavailable")

    monkeypatch.setattr(services, "_next_receipt_seq", broken)
    with pytest.raises(RuntimeError):
        submit(contractor, tender, attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    assert not Bid.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_open_bids_refuses_before_the_deadline_and_decrypts_after(tender, contractor):
    submission = submit(contractor, tender, price="987654.32",
                        attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    private = rebuild_key(tender)
    with pytest.raises(SealedUntilDeadline):
        services.open_bids(tender, private)
    attachment = submission.bid.attachments.get()
    with pytest.raises(SealedUntilDeadline):
        services.open_attachment(attachment, private)
    with after_deadline(tender):
        with pytest.raises(ValidationError):
            services.open_bids(tender, bytes(32))
        [bid] = services.open_bids(tender, private)
        assert services.open_attachment(attachment, private) == Attachment("plan.pdf", PDF)
    assert bid.status == BidStatus.OPENED and bid.price == Decimal("987654.32") and bid.duration_days == 180
    assert bid.project_manager == "Wang Lei" and bid.announce_order == 1
    tender.refresh_from_db()
    assert tender.opened_at is not None
