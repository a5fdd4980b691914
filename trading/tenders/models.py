from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation

from .rules import PERIODS, THRESHOLD_NAMES, Policy, policy_problems


class ProjectType(models.TextChoices):
    WORKS = "works", _("Works")
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")
    LAND = "land", _("Land / mining rights")
    PROPERTY = "property", _("State property")


class ProcedureType(models.TextChoices):
    OPEN_WORKS = "open_works", _("Open tender: works")
    OPEN_GOODS = "open_goods", _("Open tender: goods")
    OPEN_SERVICES = "open_services", _("Open tender: services")
    LAND_PROPERTY = "land_property", _("Land and property")
    TRAINING = "training", _("Demo / training (minutes instead of days)")


# The procedure a project's tenders run under, unless the entity chooses the training one.
PROCEDURE_OF_PROJECT = {
    ProjectType.WORKS: ProcedureType.OPEN_WORKS,
    ProjectType.GOODS: ProcedureType.OPEN_GOODS,
    ProjectType.SERVICES: ProcedureType.OPEN_SERVICES,
    ProjectType.LAND: ProcedureType.LAND_PROPERTY,
    ProjectType.PROPERTY: ProcedureType.LAND_PROPERTY,
}


class ProcedurePolicy(models.Model):
    """Statutory periods of one procedure type: platform policy, edited by the administrator only.

    Periods are in days (minutes for the training type). The law bounds every real procedure
    (rules.PERIODS); a tender stores the policy in force when it is published.
    """

    procedure_type = models.CharField(_("procedure type"), max_length=16, choices=ProcedureType.choices,
                                      unique=True)
    enabled = models.BooleanField(_("entities may choose it"), default=True)
    document_offer = models.PositiveIntegerField(_("documents on offer at least"))
    bidding_period = models.PositiveIntegerField(_("bidding period at least"))
    clarification_cutoff = models.PositiveIntegerField(_("changes of conditions at least ... before the deadline"))
    document_objection_cutoff = models.PositiveIntegerField(_("objections to the documents at least ... before "
                                                              "the deadline"))
    notice_after_report = models.PositiveIntegerField(_("candidate notice within ... of the evaluation report"),
                                                      default=3)
    candidate_notice = models.PositiveIntegerField(_("candidate notice shown at least"))
    objection_answer = models.PositiveIntegerField(_("objections answered within"))
    justification_answer = models.PositiveIntegerField(_("abnormally low price justified within"), default=2)
    contract_signing = models.PositiveIntegerField(_("contract within ... of the award"))
    security_refund = models.PositiveIntegerField(_("bid security refunded within ... of the contract"), default=5)
    complaint_window = models.PositiveIntegerField(_("complaints to the supervising department within ... of "
                                                     "knowing"), default=10)
    complaint_acceptance = models.PositiveIntegerField(_("complaints accepted or refused within (working days)"),
                                                       default=3)
    complaint_decision = models.PositiveIntegerField(_("complaints decided within (working days)"), default=30)
    min_bids = models.PositiveSmallIntegerField(_("minimum number of valid bids"))
    committee_size = models.PositiveSmallIntegerField(_("evaluation committee members (odd)"), default=5)
    sittings_per_entity = models.PositiveSmallIntegerField(
        _("sittings of one expert for one entity in 12 months, at most"), default=3)
    abnormal_price_percent = models.PositiveSmallIntegerField(
        _("abnormally low below this share of the valid bids' mean (%)"), default=80)
    amendment_price_percent = models.PositiveSmallIntegerField(
        _("contract price changed by amendments, in all, at most (%)"), default=10)
    attendance_percent = models.PositiveSmallIntegerField(
        _("project manager's attendance on site, at least (%)"), default=80)
    bid_security_percent = models.PositiveSmallIntegerField(
        _("bid security at most this share of the estimate (%)"), default=2)
    tendering_threshold = models.PositiveIntegerField(
        _("projects must be tendered from this estimate (10,000 yuan)"), default=400)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["procedure_type"]
        verbose_name = _("procedure policy")
        verbose_name_plural = _("procedure policies")

    def __str__(self):
        return str(self.get_procedure_type_display())

    @property
    def training(self):
        return self.procedure_type == ProcedureType.TRAINING

    def clean(self):
        errors = policy_problems({name: getattr(self, name) for name in (*(p.name for p in PERIODS),
                                                                           *THRESHOLD_NAMES)}, self.training,
                                 self.procedure_type)
        if not self.training and not self.enabled:
            errors["enabled"] = _("Only the training procedure can be switched off.")
        if errors:
            raise ValidationError(errors)

    def as_rules(self):
        return Policy(procedure_type=self.procedure_type, training=self.training,
                      periods={p.name: getattr(self, p.name) for p in PERIODS},
                      thresholds={name: getattr(self, name) for name in THRESHOLD_NAMES})


class EvaluationMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Lowest evaluated price")
    SCORING = "scoring", _("Comprehensive scoring")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    BIDDING_CLOSED = "bidding_closed", _("Bidding closed")
    OPENING = "opening", _("Opening")
    EVALUATION = "evaluation", _("Evaluation")
    CANDIDATES = "candidates", _("Candidates published")
    AWARDED = "awarded", _("Awarded")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


money = dict(max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])


class Project(models.Model):
    entity = models.ForeignKey(Organisation, verbose_name=_("procuring entity"), on_delete=models.PROTECT,
                               related_name="projects")
    agency = models.ForeignKey(Organisation, verbose_name=_("agency"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="agency_projects")
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=16, choices=ProjectType.choices)
    budget = models.DecimalField(_("budget"), **money)
    funding_source = models.CharField(_("funding source"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class Tender(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="tenders")
    reference = models.CharField(_("tender reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TenderStatus.choices, default=TenderStatus.DRAFT,
                              db_index=True)
    ceiling_price = models.DecimalField(_("ceiling price"), **money)
    evaluation_method = models.CharField(_("evaluation method"), max_length=16, choices=EvaluationMethod.choices)
    scoring_weights = models.JSONField(_("scoring weights"), default=dict, blank=True)
    bid_security_amount = models.DecimalField(_("bid security amount"), **money)
    documents_from = models.DateTimeField(_("documents on offer from"), null=True, blank=True)
    documents_until = models.DateTimeField(_("documents on offer until"), null=True, blank=True)
    deadline = models.DateTimeField(_("bid deadline and opening time"), null=True, blank=True, db_index=True)
    procedure_type = models.CharField(_("procedure type"), max_length=16, choices=ProcedureType.choices)
    # Longer periods than the policy's, if the entity chose any (empty: the policy's minimum), in the
    # policy's unit. The policy itself is copied into `policy` when the tender is published.
    bidding_period = models.PositiveIntegerField(_("bidding period"), null=True, blank=True)
    document_offer = models.PositiveIntegerField(_("documents on offer for"), null=True, blank=True)
    clarification_cutoff = models.PositiveIntegerField(_("changes of conditions at least ... before the deadline"),
                                                       null=True, blank=True)
    policy = models.JSONField(_("procedure policy at publication"), null=True, blank=True, editable=False)
    min_bids = models.PositiveSmallIntegerField(_("minimum number of bids"), default=3)
    confirmation_minutes = models.PositiveSmallIntegerField(_("opening confirmation window (minutes)"), default=30)
    key_threshold = models.PositiveSmallIntegerField(_("key shares needed to open"), default=2)
    is_public = models.BooleanField(_("public opening"), default=True)
    was_red = models.BooleanField(_("was red"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    winner = models.ForeignKey(Organisation, verbose_name=_("winner"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="won_tenders")
    awarded_amount = models.DecimalField(_("awarded amount"), null=True, blank=True, **money)
    imported = models.BooleanField(_("imported history"), default=False)
    # A failed procedure tendered again: the new tender points at the failed one (its `retenders` back).
    retender_of = models.ForeignKey("self", verbose_name=_("re-tender of"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="retenders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "-id"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def entity(self):
        return self.project.entity

    @property
    def is_training(self):
        return self.procedure_type == ProcedureType.TRAINING


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=200)
    ceiling_price = models.DecimalField(_("ceiling price"), **money)
    # A lot fails on its own (too few bids at the opening, too few valid bids after evaluation) while the
    # tender's other lots go on; the tender fails when every lot has.
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    failure_reason = models.CharField(_("reason of failure"), max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        unique_together = [("tender", "number")]

    def __str__(self):
        return _("Lot %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    @property
    def failed(self):
        return self.failed_at is not None


class StatusChange(models.Model):
    """One step of the lifecycle, written only by moves.move_tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=TenderStatus.choices)
    to_status = models.CharField(max_length=16, choices=TenderStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "id"]


def document_path(instance, filename):
    return f"tender_documents/{instance.tender_id}/{instance.sha256[:16]}/{filename}"


class TenderDocument(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["title", "-version"]
        unique_together = [("tender", "title", "version")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class DocumentDownload(models.Model):
    """Who fetched which document: secret until the opening (it is what colluders need)."""

    document = models.ForeignKey(TenderDocument, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_downloads")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    ip = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Clarification(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    text = models.TextField(_("text"))
    changes_conditions = models.BooleanField(_("changes the conditions"), default=False)
    deadline_before = models.DateTimeField(null=True, blank=True)
    deadline_after = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def moved_deadline(self):
        return self.deadline_before != self.deadline_after


class CheckpointState(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Checkpoint(models.Model):
    """Last stored state of one statutory period or deadline of a tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="checkpoints")
    code = models.CharField(max_length=40)
    state = models.CharField(max_length=8, choices=CheckpointState.choices)
    reason = models.CharField(max_length=500)
    was_red = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["tender_id", "code"]
        unique_together = [("tender", "code")]
