"""Each firm's credit record (信用记录) and debarments (黑名单).

Credit sits just above accounts and tenders: the rooms above it (complaints, contracts, collusion cases)
write entries through `services.note`; bids and award read `selectors.active_debarment` before they act.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation


class EntryKind(models.TextChoices):
    COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld against the firm")
    PENALTY = "penalty", _("Administrative penalty")
    COLLUSION_REFERRED = "collusion_referred", _("Collusion case referred")
    COLLUSION_CONFIRMED = "collusion_confirmed", _("Collusion confirmed")
    PERFORMANCE = "performance", _("Contract performance rating")
    DEBARMENT = "debarment", _("Debarment")
    SECURITY_FORFEITED = "security_forfeited", _("Bid security forfeited")


class CreditEntry(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="credit_entries")
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    summary = models.CharField(_("summary"), max_length=500)
    # Performance ratings: 1 (poor) to 5 (excellent); empty for the other kinds.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # What the entry rests on, e.g. "complaints.Complaint:12": a pointer for readers, not a foreign key, so
    # credit needs none of the rooms above it.
    source = models.CharField(_("source"), max_length=100, blank=True)
    at = models.DateTimeField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["organisation_id", "-at", "-id"]


class Debarment(models.Model):
    """A decision barring a firm from bidding and from being awarded between two dates."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="debarments")
    decision = models.CharField(_("decision"), max_length=200, help_text=_("The decision's number and authority."))
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_reason = models.CharField(_("why it was lifted"), max_length=500, blank=True)

    class Meta:
        ordering = ["organisation_id", "-starts_at", "-id"]

    def in_force(self, moment):
        return self.lifted_at is None and self.starts_at <= moment < self.ends_at
