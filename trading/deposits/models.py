"""Bid security (投标保证金): what each bidder paid for a tender, from which account, and what became of it.

The bidder declares the payment (paying bank account and transfer reference); the trading centre's finance staff
confirm it against the bank statement, or the paying bank's signed notification confirms it. The paying account
confirmed there, not the account a firm declared at registration, is the "same account" signal of deemed
collusion (Implementing Regulations art. 40): `selectors.paying_accounts` gives it to the collusion adapters.
After the contract the security is refunded (within the policy's days, a checkpoint), or forfeited on a statutory
ground (Implementing Regulations art. 35, 74), which goes on the firm's credit record.
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import Tender, money


class Bank(models.Model):
    """A bank that notifies the platform of bid security received, with its Ed25519 public key (administrator)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("Ed25519 public key (hex)"), max_length=64)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notifying bank")
        verbose_name_plural = _("notifying banks")

    def __str__(self):
        return self.name

    def clean(self):
        self.public_key = (self.public_key or "").strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", self.public_key):
            raise ValidationError({"public_key": _("An Ed25519 public key is 64 hexadecimal characters.")})


class SecurityStatus(models.TextChoices):
    DECLARED = "declared", _("Declared by the bidder")
    CONFIRMED = "confirmed", _("Received (confirmed)")
    REFUNDED = "refunded", _("Refunded")
    FORFEITED = "forfeited", _("Forfeited")


class ForfeitGround(models.TextChoices):
    """The statutory grounds on which bid security is not returned."""
    WITHDRAWN_AFTER_DEADLINE = "withdrawn_late", _("Bid withdrawn (or not decrypted by its bidder) after the deadline")
    REFUSED_AWARD = "refused_award", _("The winner refused the award")
    FAILED_TO_SIGN = "failed_to_sign", _("The winner failed to sign the contract or to give performance security")


class ConfirmedVia(models.TextChoices):
    FINANCE = "finance", _("Finance staff, against the bank statement")
    BANK = "bank", _("The bank's signed notification")


class SecurityPayment(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="security_payments")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="security_payments")
    amount = models.DecimalField(_("amount"), **money)
    paying_account = models.CharField(_("paying bank account"), max_length=64)
    paying_bank = models.CharField(_("paying bank"), max_length=200, blank=True)
    reference = models.CharField(_("transfer reference"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=SecurityStatus.choices,
                              default=SecurityStatus.DECLARED)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("declared"))
    # The account the bank or finance saw the money come from; it replaces the declared one when they differ.
    declared_account = models.CharField(_("account declared by the bidder"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("money received"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_via = models.CharField(_("confirmed by"), max_length=8, choices=ConfirmedVia.choices, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    refund_reference = models.CharField(_("refund reference"), max_length=100, blank=True)
    forfeited_at = models.DateTimeField(_("forfeited"), null=True, blank=True)
    forfeited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    forfeit_ground = models.CharField(_("ground of forfeiture"), max_length=16, choices=ForfeitGround.choices,
                                      blank=True)
    forfeit_reason = models.TextField(_("reason of forfeiture"), blank=True)

    class Meta:
        ordering = ["tender_id", "declared_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "bidder"], name="one_security_per_bidder")]

    def __str__(self):
        return f"{self.tender_id}/{self.bidder_id} {self.amount}"

    @property
    def confirmed(self):
        return self.confirmed_at is not None


class BankNotification(models.Model):
    """One signed notification from a bank, kept as received; its id is unique per bank, so a replay is refused."""

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="notifications")
    notification_id = models.CharField(_("notification id"), max_length=100)
    sent_at = models.DateTimeField(_("sent"))
    received_at = models.DateTimeField(_("received"))
    body = models.TextField(_("signed body"))
    signature = models.CharField(_("signature"), max_length=128)
    payment = models.ForeignKey(SecurityPayment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="notifications")
    outcome = models.CharField(_("outcome"), max_length=16)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["bank", "notification_id"], name="one_notification_per_id")]
