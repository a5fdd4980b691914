"""The expert pool (评标专家库) and each tender's evaluation committee, drawn at random from it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import Tender


class Speciality(models.TextChoices):
    """The classification experts are drawn by (a short form of the national list)."""
    BUILDING = "building", _("Building construction")
    ROADS_BRIDGES = "roads_bridges", _("Roads and bridges")
    MUNICIPAL = "municipal", _("Municipal works")
    WATER = "water", _("Water conservancy")
    ELECTRICAL = "electrical", _("Electrical and mechanical installation")
    COST = "cost", _("Cost engineering and economics")
    IT_GOODS = "it_goods", _("Information technology goods")
    GENERAL_GOODS = "general_goods", _("General goods")
    MEDICAL = "medical", _("Medical equipment")
    CONSULTING = "consulting", _("Consulting and services")
    LAND_PROPERTY = "land_property", _("Land and state property")
    LAW = "law", _("Law and contracts")


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class ExpertProfile(models.Model):
    """An expert of the pool; the administrator keeps the record, the expert keeps availability and declarations."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile")
    full_name = models.CharField(_("full name"), max_length=100)
    region = models.CharField(_("region"), max_length=100)
    employer = models.ForeignKey(Organisation, verbose_name=_("employer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="employed_experts")
    employer_name = models.CharField(_("employer (as declared)"), max_length=200)
    specialities = models.JSONField(_("specialities"), default=list)
    status = models.CharField(_("status"), max_length=12, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE)
    on_leave_from = models.DateField(_("on leave from"), null=True, blank=True)
    on_leave_until = models.DateField(_("on leave until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.full_name


class RelationKind(models.TextChoices):
    EMPLOYED = "employed", _("Employed by")
    RELATED = "related", _("Related to (family, shareholding, consultancy)")


class DeclaredRelation(models.Model):
    """An organisation the expert worked for or is related to: a conflict for its tenders (3 years back)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="relations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until (empty: still)"), null=True, blank=True)
    declared_at = models.DateTimeField(_("declared"))

    class Meta:
        ordering = ["-declared_at", "id"]


class DrawCommitment(models.Model):
    """A secret fixed when the tender is published; its hash is public from then on.

    The draw's seed is hash(signed opening record's signature + this secret): nobody can know it
    before the record is signed, and once the secret is revealed anyone can re-run the draw.
    """

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="draw_commitment")
    secret = models.CharField(max_length=64)
    commitment = models.CharField(_("published hash of the draw secret"), max_length=64)
    created_at = models.DateTimeField()


class Committee(models.Model):
    """The evaluation committee (评标委员会) of one tender."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="committee")
    size = models.PositiveSmallIntegerField(_("members"))
    specialities = models.JSONField(_("required specialities"), default=list)
    representative = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entity's representative"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(_("draw seed"), max_length=64)
    formed_at = models.DateTimeField(_("formed"), null=True, blank=True)
    created_at = models.DateTimeField()


class SeatStatus(models.TextChoices):
    DRAWN = "drawn", _("Drawn, declaration pending")
    SEATED = "seated", _("Seated (declared no conflict)")
    DECLINED = "declined", _("Declined")
    RECUSED = "recused", _("Recused (declared a conflict)")
    ABSENT = "absent", _("Absent")


class Seat(models.Model):
    """One member of a committee: a drawn expert, or the entity's representative."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats")
    expert = models.ForeignKey(ExpertProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="seats")
    is_representative = models.BooleanField(default=False)
    draw_round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=SeatStatus.choices, default=SeatStatus.DRAWN)
    drawn_at = models.DateTimeField()
    declared_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["committee_id", "draw_round", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="one_seat_per_person")]
