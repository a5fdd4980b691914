from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import Lot, Tender, money


class TenderKey(models.Model):
    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="key")
    public_key = models.BinaryField()
    threshold = models.PositiveSmallIntegerField()
    # Published with the opening record so anyone can re-check the ciphertexts.
    revealed_private_key = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class KeyShare(models.Model):
    tender_key = models.ForeignKey(TenderKey, on_delete=models.CASCADE, related_name="shares")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_shares")
    sealed_share = models.BinaryField()
    presented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("tender_key", "holder")]


class BidStatus(models.TextChoices):
    ACTIVE = "active", _("Submitted")
    REPLACED = "replaced", _("Replaced")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OPENED = "opened", _("Opened")
    REVOKED = "revoked", _("Revoked (bidder failed to decrypt)")
    WITHDRAWN_AT_OPENING = "withdrawn_opening", _("Withdrawn at opening (decryption failed)")
    LAPSED = "lapsed", _("Lapsed (not confirmed after a change of conditions)")
    # Its lot had fewer bids than the minimum at the opening: the lot failed and the bid stays sealed.
    LOT_FAILED = "lot_failed", _("Not opened (its lot failed at the opening)")
    # Its stored ciphertext (or an attachment) is not the one its signed receipt or the audit log names: set aside
    # at the opening, never decrypted nor announced; the reason is in opening_note and in the signed record.
    INVALID = "invalid", _("Invalid at the opening (not the bid its receipt names)")


class Bid(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="bids")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    client_key = models.CharField(_("client key"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=BidStatus.choices, default=BidStatus.ACTIVE, db_index=True)
    # Sealed content: price, duration, quality, project manager, security reference.
    sealed_content = models.BinaryField(null=True, blank=True)
    content_digest = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"))
    needs_reconfirmation = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Submission signals, shown to discipline staff only after the opening.
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    device_fingerprint = models.CharField(max_length=128, blank=True)
    # Filled at the opening (or by import of opened history).
    price = models.DecimalField(_("price"), null=True, blank=True, **money)
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)
    quality = models.CharField(_("quality commitment"), max_length=200, blank=True)
    project_manager = models.CharField(_("project manager"), max_length=100, blank=True)
    security_reference = models.CharField(_("bid security reference"), max_length=100, blank=True)
    announce_order = models.PositiveIntegerField(null=True, blank=True)
    is_winner = models.BooleanField(default=False)
    disqualified = models.BooleanField(default=False)
    opening_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["tender_id", "announce_order", "id"]
        constraints = [
            # One active bid per bidder: per tender when it has no lots, per lot when it has. Two partial
            # constraints, because a unique index treats NULL lots as distinct (SQLite and PostgreSQL alike).
            models.UniqueConstraint(fields=["tender", "bidder"], condition=Q(status="active", lot__isnull=True),
                                    name="one_active_bid_per_bidder_without_lot"),
            models.UniqueConstraint(fields=["tender", "lot", "bidder"],
                                    condition=Q(status="active", lot__isnull=False),
                                    name="one_active_bid_per_bidder_and_lot"),
            models.UniqueConstraint(fields=["bidder", "client_key"], condition=~Q(client_key=""),
                                    name="idempotent_client_key"),
        ]


class BidAttachment(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    # The file on disk is a sealed box of {name, content}; the name is sealed too.
    sealed_file = models.FileField(upload_to="sealed/%Y/%m/")
    digest = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]


class ReceiptCounter(models.Model):
    """One row, locked by every submission, so receipt numbers are platform-wide and gap-free."""

    last_seq = models.BigIntegerField(default=0)


class Receipt(models.Model):
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="receipt")
    seq = models.BigIntegerField(unique=True)
    issued_at = models.DateTimeField()
    payload = models.JSONField()
    signature = models.CharField(max_length=128)

    def document(self):
        """The receipt as the bidder downloads it: the signed payload and its signature."""
        return {"payload": self.payload, "signature": self.signature}
