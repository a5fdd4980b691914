"""Evaluation (评标): each member's sheet, the justification of abnormally low prices, the signed report."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.bids.models import Bid
from trading.tenders.models import Tender


class Ground(models.TextChoices):
    """The statutory grounds for rejecting a bid (否决投标), in the law's order."""
    SIGNATURE_SEAL = "signature_seal", _("Missing signature or seal")
    QUALIFICATION = "qualification", _("Qualification not met")
    ABOVE_CEILING = "above_ceiling", _("Price above the ceiling")
    ABNORMALLY_LOW = "abnormally_low", _("Abnormally low price not justified")
    NON_RESPONSIVE = "non_responsive", _("Not responsive to the tender documents")
    MORE_THAN_ONE_BID = "more_than_one_bid", _("More than one bid")
    FRAUD_COLLUSION = "fraud_collusion", _("Fraud or collusion")


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    REJECT = "reject", _("Reject")


class Sheet(models.Model):
    """One committee member's evaluation of one tender: a draft until the member signs it, then fixed."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="evaluation_sheets")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_sheets")
    # A re-evaluation (an objection upheld) asks the same committee for new sheets: round 2, 3, ...
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(_("signed"), null=True, blank=True)
    # SHA-256 of the canonical content at signing; the report lists it, so the signed sheet cannot change unseen.
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["tender_id", "round", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "member", "round"], name="one_sheet_per_member_round")]

    @property
    def submitted(self):
        return self.submitted_at is not None


class Review(models.Model):
    """A member's verdict on one bid, with the scores they gave it (comprehensive scoring)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="reviews")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices, blank=True)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # {criterion: "12.50"}, decimals as strings
    scores = models.JSONField(_("scores"), default=dict, blank=True)

    class Meta:
        ordering = ["sheet_id", "bid_id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "bid"], name="one_review_per_bid")]


class Justification(models.Model):
    """The committee asks a bidder to justify an abnormally low price; the bidder answers before the time limit."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="justifications")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="justification")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    @property
    def answered(self):
        return self.answered_at is not None

    def lapsed(self, now):
        return not self.answered and now > self.due_at

    def pending(self, now):
        return not self.answered and now <= self.due_at


class Outcome(models.TextChoices):
    RANKED = "ranked", _("Candidates ranked")
    FAILED = "failed", _("Too few valid bids: the procedure fails")


def report_pdf_path(instance, filename):
    return f"evaluation_reports/{instance.tender_id}/{filename}"


class Report(models.Model):
    """The committee's result, computed by the platform once every member signed, and signed by the platform.

    A re-evaluation supersedes it (kept, never changed) and the next round's report takes its place."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="evaluation_reports")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    platform_public_key = models.CharField(max_length=64)
    pdf = models.FileField(upload_to=report_pdf_path, blank=True)
    signed_at = models.DateTimeField(_("signed"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_reason = models.CharField(_("why it was superseded"), max_length=500, blank=True)

    class Meta:
        ordering = ["tender_id", "round"]
        constraints = [models.UniqueConstraint(fields=["tender", "round"], name="one_report_per_round")]

    @property
    def superseded(self):
        return self.superseded_at is not None
