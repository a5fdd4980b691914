"""The contract and its life (合同, 变更, 验收, 结算) and the checks after the award (标后监管).

A contract is concluded from one live award (a tender's, or a lot's) and published as a signed contract notice.
Amendments never rewrite it: each one is kept with its reason and documents, and the contract's current terms
follow them. Milestones, payments, completion, acceptance, final accounts and the release of the retention money
are recorded on it; the project manager's attendance on site and the contractor's subcontracting declarations are
the post-award checks the supervisor watches.
"""
import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.award.models import Award
from trading.tenders.models import Lot, Tender, money


def manager_key(name):
    """A project manager's name as compared across contracts and bids: Unicode-normalised, case and spaces folded."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


class ContractStatus(models.TextChoices):
    CONCLUDED = "concluded", _("Concluded, works under way")
    COMPLETED = "completed", _("Works completed, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, warranty running")
    SETTLED = "settled", _("Final accounts agreed")
    CLOSED = "closed", _("Retention money released, closed")


# The order a contract's life goes through; a step is allowed from the one before it only.
ORDER = [ContractStatus.CONCLUDED, ContractStatus.COMPLETED, ContractStatus.ACCEPTED, ContractStatus.SETTLED,
         ContractStatus.CLOSED]


class Contract(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="contracts")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    entity = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts_as_entity")
    contractor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(_("contract number"), max_length=60, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices,
                              default=ContractStatus.CONCLUDED)
    # The terms as signed; they never change.
    price = models.DecimalField(_("contract price"), **money)
    project_manager = models.CharField(_("project manager"), max_length=100)
    duration_days = models.PositiveIntegerField(_("duration (days)"))
    scope = models.TextField(_("scope of works"))
    warranty_days = models.PositiveIntegerField(_("defect liability period (days)"))
    retention_amount = models.DecimalField(_("retention money"), **money)
    subcontract_percent = models.PositiveSmallIntegerField(_("subcontracting allowed, at most (%)"), default=0)
    # Why the price differs from the award amount, or the manager from the one named in the winning bid.
    price_reason = models.TextField(_("why the price differs from the award"), blank=True)
    manager_reason = models.TextField(_("why the project manager differs from the bid"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"))
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    platform_public_key = models.CharField(max_length=64)
    # The terms in force, after the amendments.
    current_price = models.DecimalField(_("current price"), **money)
    current_manager = models.CharField(_("current project manager"), max_length=100)
    current_duration_days = models.PositiveIntegerField(_("current duration (days)"))
    current_scope = models.TextField(_("current scope of works"))
    completed_at = models.DateTimeField(_("works completed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance"), blank=True)
    warranty_ends_at = models.DateTimeField(_("warranty ends"), null=True, blank=True)
    final_amount = models.DecimalField(_("final accounts"), null=True, blank=True, **money)
    final_note = models.TextField(_("final accounts note"), blank=True)
    settled_at = models.DateTimeField(_("final accounts agreed"), null=True, blank=True)
    retention_released_at = models.DateTimeField(_("retention money released"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("performance rating (1-5)"), null=True, blank=True)
    rating_note = models.TextField(_("performance"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        ordering = ["-concluded_at", "-id"]

    def __str__(self):
        return self.reference

    @property
    def price_differs(self):
        return self.price != self.award.amount

    def reached(self, status):
        return ORDER.index(ContractStatus(self.status)) >= ORDER.index(ContractStatus(status))


class Approval(models.TextChoices):
    NOT_NEEDED = "", _("Not needed")
    PENDING = "pending", _("Awaiting the supervisor's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Amendment(models.Model):
    """A change of price, duration, scope or project manager, with its reason and documents; a substitution of
    the project manager needs the supervisor's approval."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    price_before = models.DecimalField(_("price before"), null=True, blank=True, **money)
    price_after = models.DecimalField(_("price after"), null=True, blank=True, **money)
    duration_before = models.PositiveIntegerField(_("duration before (days)"), null=True, blank=True)
    duration_after = models.PositiveIntegerField(_("duration after (days)"), null=True, blank=True)
    scope_after = models.TextField(_("new scope of works"), blank=True)
    manager_before = models.CharField(_("project manager before"), max_length=100, blank=True)
    manager_after = models.CharField(_("project manager after"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approval = models.CharField(_("approval"), max_length=10, choices=Approval.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["contract_id", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="one_amendment_number")]

    @property
    def price_change(self):
        if self.price_after is None:
            return None
        return self.price_after - self.price_before


def amendment_path(instance, filename):
    return f"contracts/{instance.amendment.contract_id}/{instance.sha256[:16]}/{filename}"


class AmendmentDocument(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=amendment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    reached_at = models.DateTimeField(_("reached"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "reached_at", "id"]


class Payment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **money)
    reference = models.CharField(_("payment reference"), max_length=100)
    retention = models.BooleanField(_("release of the retention money"), default=False)
    paid_at = models.DateTimeField(_("paid"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "paid_at", "id"]


class AttendanceSource(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in by the project manager")
    SUPERVISOR = "supervisor", _("Recorded by the site supervisor")


def photo_path(instance, filename):
    return f"attendance/{instance.contract_id}/{instance.photo_sha256[:16]}/{filename}"


class Attendance(models.Model):
    """One day of the project manager on (or off) site: a check-in from a phone, or the supervisor's record."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="attendance")
    manager = models.CharField(_("project manager"), max_length=100)
    # The manager's name as compared across sites: case and spaces folded.
    manager_key = models.CharField(max_length=100, db_index=True)
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    present = models.BooleanField(_("on site"), default=True)
    source = models.CharField(_("recorded by"), max_length=12, choices=AttendanceSource.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    photo = models.FileField(upload_to=photo_path, max_length=300, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "day"], name="one_attendance_per_contract_day")]


class Subcontract(models.Model):
    """The contractor's declaration of a subcontract; flagged beyond the contract's share or to a losing bidder."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="subcontracts")
    subcontractor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subcontracts")
    scope = models.TextField(_("scope subcontracted"))
    amount = models.DecimalField(_("amount"), **money)
    declared_at = models.DateTimeField(_("declared"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    beyond_allowed = models.BooleanField(_("beyond what the contract allows"), default=False)
    losing_bidder = models.BooleanField(_("the subcontractor bid against the winner"), default=False)

    class Meta:
        ordering = ["contract_id", "declared_at", "id"]

    @property
    def flagged(self):
        return self.beyond_allowed or self.losing_bidder
