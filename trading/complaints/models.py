"""Questions about the tender documents (提问), objections to them (异议) and complaints to the supervising
department (投诉).

- A question's asker stays secret: the entity answers with a clarification every bidder reads, which names
  nobody.
- An objection to the documents suspends the procedure until the entity answers it (a hold, see selectors).
- A complaint is accepted or refused by a supervisor, may suspend the procedure, and is decided: dismissed, or
  upheld with a remedy. Rows are never deleted; each step is audited.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import Clarification, Tender


class Question(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="document_questions")
    asker = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked"))
    clarification = models.OneToOneField(Clarification, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="question")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    @property
    def answered(self):
        return self.answered_at is not None


class DocumentObjection(models.Model):
    """An objection to the tender documents, filed before the policy's cut-off; answered within the policy."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="document_objections")
    objector = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed"))
    answer_due = models.DateTimeField(_("answer due"))
    # The bid deadline when the objection was filed: the time bidders had left then is given back after the answer.
    deadline_at_filing = models.DateTimeField(_("bid deadline when filed"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    clarification = models.OneToOneField(Clarification, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="document_objection")

    class Meta:
        ordering = ["filed_at", "id"]

    @property
    def answered(self):
        return self.answered_at is not None


class Subject(models.TextChoices):
    DOCUMENTS = "documents", _("The tender documents")
    OPENING = "opening", _("The opening")
    EVALUATION = "evaluation", _("The evaluation")
    CANDIDATES = "candidates", _("The candidates")
    AWARD = "award", _("The award")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, under review")
    REFUSED = "refused", _("Refused")
    DECIDED = "decided", _("Decided")


class Decision(models.TextChoices):
    DISMISSED = "dismissed", _("Dismissed")
    UPHELD = "upheld", _("Upheld")


class Remedy(models.TextChoices):
    RE_EVALUATION = "re_evaluation", _("The committee evaluates again")
    RE_TENDER = "re_tender", _("The procedure fails and is tendered again")
    CANCEL_AWARD = "cancel_award", _("The award is cancelled")
    FINDING = "finding", _("The finding is recorded; the procedure is not changed")


class Complaint(models.Model):
    """A complaint to the supervising department about one tender."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="complaints_filed")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The firm the complaint is about, if any: upheld, it goes on that firm's credit record.
    against = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="complaints_against")
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    text = models.TextField(_("complaint"))
    known_at = models.DateTimeField(_("known since"))
    filed_at = models.DateTimeField(_("filed"))
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.FILED)
    acceptance_due = models.DateTimeField(_("acceptance due"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    refusal_reason = models.TextField(_("why it was refused"), blank=True)
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("procedure suspended"), null=True, blank=True)
    suspension_reason = models.TextField(_("why the procedure is suspended"), blank=True)
    released_at = models.DateTimeField(_("suspension lifted"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices, blank=True)
    ruling = models.TextField(_("ruling"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]

    @property
    def suspending(self):
        return self.suspended_at is not None and self.released_at is None

    @property
    def closed(self):
        return self.status in (ComplaintStatus.REFUSED, ComplaintStatus.DECIDED)

    @property
    def closed_at(self):
        return self.decided_at or self.refused_at


def evidence_path(instance, filename):
    return f"complaints/{instance.complaint.tender_id}/{instance.sha256[:16]}/{filename}"


class Evidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]
