"""After the evaluation: the candidate notice (中标候选人公示), objections to it (异议), and the award (中标).

The notice and the award notice are signed by the platform over canonical JSON, like the opening record
and the evaluation report; rows are never rewritten once signed: a re-evaluation withdraws the notice, a
winner who declines gets the award revoked, and the history stays.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.bids.models import Bid
from trading.evaluation.models import Report
from trading.tenders.models import Lot, Tender, money


class CandidateNotice(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="candidate_notices")
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="candidate_notice")
    published_at = models.DateTimeField(_("published"))
    closes_at = models.DateTimeField(_("objections until"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    platform_public_key = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why it was withdrawn"), max_length=500, blank=True)

    class Meta:
        ordering = ["tender_id", "published_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tender"], condition=Q(withdrawn_at__isnull=True),
                                               name="one_live_candidate_notice")]

    @property
    def withdrawn(self):
        return self.withdrawn_at is not None

    def open_at(self, now):
        return not self.withdrawn and now < self.closes_at


class Decision(models.TextChoices):
    DISMISSED = "dismissed", _("Dismissed")
    UPHELD = "upheld", _("Upheld")


class Remedy(models.TextChoices):
    """What an upheld objection changes."""
    RE_EVALUATION = "re_evaluation", _("The committee evaluates again")
    RE_TENDER = "re_tender", _("The procedure fails and is tendered again")


class Objection(models.Model):
    """A bidder's objection to the candidates, filed during the notice; the entity answers within the policy."""

    notice = models.ForeignKey(CandidateNotice, on_delete=models.PROTECT, related_name="objections")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="candidate_objections")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="candidate_objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed"))
    answer_due = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]

    @property
    def answered(self):
        return self.answered_at is not None


def objection_path(instance, filename):
    return f"objections/{instance.objection.tender_id}/{instance.sha256[:16]}/{filename}"


class ObjectionAttachment(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=objection_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]


class PassOver(models.TextChoices):
    """Why a state-funded tender may go past the first-ranked candidate (or revoke an award)."""
    DECLINED = "declined", _("The candidate declined the award")
    FAILED_TO_SIGN = "failed_to_sign", _("The candidate failed to sign the contract")
    DISQUALIFIED = "disqualified", _("The candidate was found disqualified")


class Award(models.Model):
    """The award of a tender (or of one lot) to a candidate of the report in force, at the bid's price."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="awards")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="awards")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="awards")
    winner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(_("award amount"), **money)
    rank = models.PositiveSmallIntegerField(_("rank"))
    # Required when the award goes past the first-ranked candidate.
    pass_over = models.CharField(_("why the higher-ranked candidates were passed over"), max_length=16,
                                 choices=PassOver.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    awarded_at = models.DateTimeField(_("awarded"))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    platform_public_key = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_because = models.CharField(_("why it was revoked"), max_length=16, choices=PassOver.choices, blank=True)
    revoked_reason = models.TextField(_("reason of revocation"), blank=True)

    class Meta:
        ordering = ["tender_id", "lot_id", "awarded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender"], condition=Q(lot__isnull=True, revoked_at__isnull=True),
                                    name="one_live_award_per_tender"),
            models.UniqueConstraint(fields=["tender", "lot"], condition=Q(lot__isnull=False, revoked_at__isnull=True),
                                    name="one_live_award_per_lot"),
        ]

    @property
    def revoked(self):
        return self.revoked_at is not None
