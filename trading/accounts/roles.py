from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONTRACTOR = "contractor", _("Contractor")
    ENTITY = "entity", _("Procuring entity / agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISCIPLINE = "discipline", _("Discipline staff")
    EXPERT = "expert", _("Evaluation expert")
    ADMIN = "admin", _("Administrator")
    FINANCE = "finance", _("Finance staff")


class OrganisationKind(models.TextChoices):
    CONTRACTOR = "contractor", _("Contractor")
    ENTITY = "entity", _("Procuring entity")
    AGENCY = "agency", _("Tendering agency")
    AUTHORITY = "authority", _("Supervising authority")
