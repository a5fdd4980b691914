"""Stored collusion reports (dated snapshots of the engine's output) and the cases
discipline staff open from them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.bids.models import Bid, BidAttachment
from trading.tenders.models import Tender


class Band(models.TextChoices):
    BLUE = "blue", _("Low")
    YELLOW = "yellow", _("Elevated")
    RED = "red", _("High")


class CollusionReport(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    parameters = models.JSONField(_("parameters"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    # the market index of the report (reference distributions, groups, identities), to
    # score a tender at its opening against the stored market
    index_file = models.FileField(upload_to="collusion/index/", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("collusion report")

    def __str__(self):
        return _("Report %(id)s of %(date)s") % {"id": self.pk, "date": self.created_at.strftime("%Y-%m-%d %H:%M")}


class TenderRisk(models.Model):
    report = models.ForeignKey(CollusionReport, on_delete=models.CASCADE, related_name="tender_risks")
    tender = models.ForeignKey(Tender, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reference = models.CharField(_("tender"), max_length=100)
    risk = models.FloatField(_("risk"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    screen_risk = models.FloatField(default=0.5)
    n_bids = models.PositiveIntegerField(default=0)
    group_number = models.IntegerField(null=True, blank=True)
    # screens, percentiles, patterns and evidence of the engine, NaN removed
    features = models.JSONField(default=dict)
    bids = models.JSONField(default=list)  # [{bidder, amount, is_winner}] sorted by amount
    # "\nlabel\n" per bidder: finds a bidder's tenders with one text lookup on any database
    bidder_labels = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["-risk", "reference"]
        indexes = [models.Index(fields=["report", "-risk"])]

    def __str__(self):
        return _("Tender %(reference)s") % {"reference": self.reference}


class GroupKind(models.TextChoices):
    COBIDDING = "cobidding", _("Co-bidding community")
    IDENTITY = "identity", _("Firms sharing an identity")


class GroupRisk(models.Model):
    report = models.ForeignKey(CollusionReport, on_delete=models.CASCADE, related_name="groups")
    number = models.IntegerField(_("group number"))
    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices, default=GroupKind.COBIDDING)
    risk = models.FloatField(_("risk"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    members = models.JSONField(_("members"), default=list)       # bidder labels
    member_ids = models.JSONField(default=list)                  # organisation ids (None when not in the DB)
    figures = models.JSONField(_("figures"), default=dict)       # cohesion, exclusivity, rotation, ...
    cobids = models.JSONField(default=list)                      # square matrix in members' order
    timeline = models.JSONField(default=list)                    # shared tenders in date order
    # the same group across reports: a community whose members overlap one of the previous
    # report's by at least half (Jaccard) keeps that group's identity and first sighting
    identity = models.PositiveIntegerField(_("group"), null=True, blank=True, db_index=True)
    since = models.DateTimeField(_("first seen"), null=True, blank=True)

    class Meta:
        ordering = ["-risk", "number"]

    def __str__(self):
        return _("Group %(number)s") % {"number": self.shown}

    @property
    def shown(self):
        """The number people know the group by: its identity across reports."""
        return self.identity if self.identity is not None else self.number

    @property
    def size(self):
        return len(self.members)


class BidderRisk(models.Model):
    report = models.ForeignKey(CollusionReport, on_delete=models.CASCADE, related_name="bidder_risks")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(_("bidder"), max_length=250)
    risk = models.FloatField(_("risk"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    group = models.ForeignKey(GroupRisk, null=True, blank=True, on_delete=models.SET_NULL, related_name="bidders")

    class Meta:
        ordering = ["-risk", "label"]

    def __str__(self):
        return self.label


class Flag(models.Model):
    report = models.ForeignKey(CollusionReport, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.FloatField(_("severity"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    tenders = models.JSONField(_("tenders"), default=list)
    bidders = models.JSONField(_("bidders"), default=list)
    figures = models.JSONField(_("figures"), default=dict)
    sentence = models.TextField(_("sentence"))   # the engine's English sentence, kept as evidence
    group = models.ForeignKey(GroupRisk, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")

    class Meta:
        ordering = ["-severity", "id"]

    @property
    def text(self):
        from .sentences import translate_flag
        return translate_flag(self.kind, self.figures, self.sentence)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REVIEWING = "reviewing", _("Under review")
    REFERRED = "referred", _("Referred")
    DISMISSED = "dismissed", _("Dismissed")


class Case(models.Model):
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True)
    report = models.ForeignKey(CollusionReport, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    group = models.ForeignKey(GroupRisk, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    tender_risk = models.ForeignKey(TenderRisk, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return _("Case %(id)s: %(title)s") % {"id": self.pk, "title": self.title}


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    # a status change writes a note saying so
    status_from = models.CharField(max_length=12, blank=True)
    status_to = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class AttachmentFingerprint(models.Model):
    """What an attachment is once opened: the digest of its plaintext (the stored digest is
    of randomised ciphertext, so two identical files never matched) and the document
    metadata that betrays a common author.  Taken when the opening record is signed."""

    attachment = models.OneToOneField(BidAttachment, on_delete=models.CASCADE, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(_("digest of the file"), max_length=64, db_index=True)
    author = models.CharField(_("document author"), max_length=200, blank=True)
    application = models.CharField(_("creating application"), max_length=200, blank=True)
    template = models.CharField(_("document template"), max_length=200, blank=True)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bid_id", "attachment_id"]


class OpeningRisk(models.Model):
    """A tender scored when its opening record is signed, against the market index of the
    latest report (or the whole market when none is stored)."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(_("tender"), max_length=100, db_index=True)
    report = models.ForeignKey(CollusionReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    risk = models.FloatField(_("risk"))
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    features = models.JSONField(default=dict)
    bids = models.JSONField(default=list)
    flags = models.JSONField(default=list)        # [{kind, severity, band, sentence, figures, bidders}]
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        ordering = ["-scored_at", "-id"]

    def __str__(self):
        return _("Tender %(reference)s at its opening") % {"reference": self.reference}
