"""The small-project register and the entities' written feedback on their integrity index.

Everything else the public statistics show is computed (selectors.py) from what the other rooms record.
Rows are never edited nor deleted: a correction is a new filing, a new feedback supersedes the last.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import money


class SmallProjectType(models.TextChoices):
    # The project types the tendering threshold speaks of (land and state property always enter the centre).
    WORKS = "works", _("Works")
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")


class Method(models.TextChoices):
    OPEN_QUOTATION = "open_quotation", _("Open call for quotations")
    INVITED = "invited", _("Invited quotations")
    NEGOTIATION = "negotiation", _("Competitive negotiation")
    SINGLE_SOURCE = "single_source", _("Single source")
    DIRECT = "direct", _("Direct award")


OPEN_METHODS = {Method.OPEN_QUOTATION}


class SmallProject(models.Model):
    """A project under the tendering threshold, procured by the entity itself, with the collective decision that
    chose how (the meeting that decided it, its reference and date)."""

    entity = models.ForeignKey(Organisation, verbose_name=_("procuring entity"), on_delete=models.PROTECT,
                               related_name="small_projects")
    name = models.CharField(_("project"), max_length=200)
    project_type = models.CharField(_("type"), max_length=16, choices=SmallProjectType.choices)
    amount = models.DecimalField(_("amount"), **money)
    method = models.CharField(_("procurement method"), max_length=16, choices=Method.choices)
    decision_reference = models.CharField(_("collective decision: reference"), max_length=100)
    decision_date = models.DateField(_("collective decision: date"))
    decision_body = models.CharField(_("collective decision: taken by"), max_length=200)
    supplier = models.CharField(_("supplier or contractor"), max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"))

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("small project")
        verbose_name_plural = _("small projects")

    def __str__(self):
        return self.name


class Feedback(models.Model):
    """The entity's written answer to its integrity index, by its own officials; the latest is shown."""

    entity = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="integrity_feedback")
    text = models.TextField(_("feedback"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["-written_at", "-id"]
