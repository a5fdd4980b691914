from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditHead(models.Model):
    """One row, locked by every writer, so entries chain in one strict order."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    organisation_label = models.CharField(_("organisation"), max_length=200, blank=True)
    ip = models.CharField(_("network address"), max_length=45, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    summary = models.JSONField(_("summary"), default=dict)
    # Entries that would reveal a sealed fact (who bid on a tender) carry an embargo key such as
    # "tender:12"; readers of the log see them only once the owning app says the embargo is lifted.
    embargo = models.CharField(max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """The log's size and head hash at a moment, signed with the platform key (kept outside the database).

    Published on a public page and API and embedded in opening records: whoever keeps a copy can prove a
    later truncation, re-chaining or edit of the log, even by someone who can rewrite the database."""

    size = models.BigIntegerField(_("entries"), unique=True)
    head = models.CharField(_("head hash"), max_length=64)
    at = models.DateTimeField(_("time"))
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    public_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["size"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
