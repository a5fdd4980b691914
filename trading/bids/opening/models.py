"""The opening ceremony (开标): its state, who signed in, the event stream, objections and the record."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.tenders.models import Tender


class OpeningState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the host")
    ROOM_OPEN = "room_open", _("Room open")
    SIGNING_IN = "signing_in", _("Bidders signing in")
    DECRYPTING = "decrypting", _("Decrypting bids")
    ANNOUNCING = "announcing", _("Announcing bids")
    CONFIRMING = "confirming", _("Bidders confirming")
    CLOSED = "closed", _("Closed")
    FAILED = "failed", _("Failed")


FINISHED = {OpeningState.CLOSED, OpeningState.FAILED}


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    PARTICIPANTS = "participants", _("Bidders and officials")
    OFFICIALS = "officials", _("Officials only")


class OpeningSession(models.Model):
    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="opening")
    state = models.CharField(_("state"), max_length=16, choices=OpeningState.choices, default=OpeningState.WAITING)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # The event counter; the row is locked by every writer so sequence numbers are gap-free.
    last_seq = models.BigIntegerField(default=0)
    # Time limits of each waiting step, in minutes (the confirmation window comes from the tender).
    room_minutes = models.PositiveSmallIntegerField(_("host must open the room within (minutes)"), default=30)
    sign_in_minutes = models.PositiveSmallIntegerField(_("sign-in window (minutes)"), default=30)
    decryption_minutes = models.PositiveSmallIntegerField(_("decryption window (minutes)"), default=60)
    announce_minutes = models.PositiveSmallIntegerField(_("announcement time limit (minutes)"), default=60)
    confirmation_minutes = models.PositiveSmallIntegerField(_("confirmation window (minutes)"), default=30)
    close_minutes = models.PositiveSmallIntegerField(_("host must close within (minutes)"), default=30)
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_deadline = models.DateTimeField(null=True, blank=True)
    # Which step's overrun has already raised an alarm, so one overrun makes one alarm.
    alarmed_step = models.CharField(max_length=64, blank=True)
    confirmation_ends_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    pause_reason = models.CharField(_("pause reason"), max_length=500, blank=True)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    paused_at = models.DateTimeField(null=True, blank=True)
    announced_count = models.PositiveIntegerField(default=0)
    ceiling_announced = models.BooleanField(default=False)
    failure_reason = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"opening of {self.tender_id} ({self.state})"

    @property
    def finished(self):
        return self.state in FINISHED


class SignIn(models.Model):
    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="sign_ins")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    ip = models.CharField(max_length=45, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        unique_together = [("session", "bidder")]


class PresentedShare(models.Model):
    """A key share presented at the opening, held only until k shares are in.

    It is kept sealed under a key derived from the platform secret (so that holders
    on different workers can present in turn) and deleted as soon as the tender key
    is rebuilt; the rebuilt key itself never touches the database before the record.
    """

    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="presented_shares")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    boxed_share = models.BinaryField()
    at = models.DateTimeField()

    class Meta:
        unique_together = [("session", "holder")]


class OpeningEvent(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="opening_events")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    at = models.DateTimeField()

    class Meta:
        ordering = ["tender_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["tender", "seq"], name="one_event_per_seq")]

    def as_message(self):
        return {"seq": self.seq, "kind": self.kind, "payload": self.payload, "audience": self.audience,
                "at": self.at.isoformat()}


class Objection(models.Model):
    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="objections")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]


class OpeningCommand(models.Model):
    """The result of each client command, so a replayed command id gets the same answer and changes nothing."""

    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="commands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    command_id = models.CharField(max_length=64)
    command_type = models.CharField(max_length=32)
    result = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user", "command_id"], name="one_result_per_command")]


def record_pdf_path(instance, filename):
    return f"opening_records/{instance.tender_id}/{filename}"


class OpeningRecord(models.Model):
    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="opening_record")
    body = models.JSONField()
    signature = models.CharField(max_length=128)
    platform_public_key = models.CharField(max_length=64)
    private_key_hex = models.CharField(_("tender private key"), max_length=64, blank=True)
    pdf = models.FileField(upload_to=record_pdf_path, blank=True)
    published_at = models.DateTimeField()
