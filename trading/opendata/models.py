"""The published OCDS releases: one row each time a tender's public data changes, in the order of the feed.

A release is never rewritten. `seq` is the feed's cursor: it is taken from the single `FeedCounter` row, locked
until the release's transaction commits, so releases become visible in the order of their numbers and a reader
who has seen number n has seen every number below it (the feed never skips a change).
"""
from django.db import models

from trading.tenders.models import Tender


class FeedCounter(models.Model):
    """One row, locked by every publication of a release, so feed numbers are strictly ordered by commit."""

    last_seq = models.BigIntegerField(default=0)


class Release(models.Model):
    seq = models.BigIntegerField(unique=True)
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="ocds_releases")
    ocid = models.CharField(max_length=120, db_index=True)
    release_id = models.CharField(max_length=200)
    # SHA-256 of the release's content without its id, date and tag: a new release only when it changes.
    digest = models.CharField(max_length=64)
    tag = models.JSONField()
    date = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["ocid", "release_id"], name="one_release_id_per_ocid")]
        indexes = [models.Index(fields=["tender", "seq"])]

    def __str__(self):
        return self.release_id
