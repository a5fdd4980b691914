"""Notifications: an in-app inbox and e-mail, made from what the audit log records (see dispatch.py)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.tenders.models import Tender


class Kind(models.TextChoices):
    TENDER_PUBLISHED = "tender_published", _("A tender matching your subscription")
    CLARIFICATION = "clarification", _("Clarification of a tender")
    RECONFIRM = "reconfirm", _("Bid to confirm again")
    OPENING_SOON = "opening_soon", _("Opening soon")
    OBJECTION_ANSWERED = "objection_answered", _("Objection answered")
    CANDIDATE_NOTICE = "candidate_notice", _("Candidate notice")
    AWARD = "award", _("Award and result")
    COMPLAINT_DECIDED = "complaint_decided", _("Complaint decided")
    CHECKPOINT = "checkpoint", _("Checkpoint yellow or red")
    ALARM = "alarm", _("Opening alarm")
    INTEGRITY = "integrity", _("Sealed bid set aside at the opening")


class EmailState(models.TextChoices):
    NONE = "none", _("no e-mail")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Subscription(models.Model):
    """What a contractor wants to hear of: new tenders by type, region (code prefix) and keyword."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription")
    project_types = models.JSONField(_("types"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True,
                               help_text=_("Administrative division codes, e.g. 3501 (Fuzhou) or 350102."))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    email = models.BooleanField(_("also by e-mail"), default=True)

    def matches(self, project_type, region, text):
        if self.project_types and project_type not in self.project_types:
            return False
        if self.regions and not any(region.startswith(code) for code in self.regions):
            return False
        words = [w for w in self.keywords.lower().split() if w]
        return not words or any(word in text.lower() for word in words)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # The message is written at reading time in the reader's language, from the kind and these values.
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    tender = models.ForeignKey(Tender, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=8, choices=EmailState.choices, default=EmailState.NONE)
    # One notification per person and event, however often the dispatcher runs.
    key = models.CharField(max_length=100)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")]

    @property
    def read(self):
        return self.read_at is not None


class Cursor(models.Model):
    """How far the dispatcher has read the audit log (one row)."""

    last_seq = models.BigIntegerField(default=0)

