"""Publication of OCDS releases: a new release each time a tender's public data changes, never otherwise.

`publish_tender(tender_id)` runs after the commit of every change the receivers hear of, and `publish_all()` (the
command `opendata_publish`) catches anything they could not hear (rows written in bulk, a worker stopped between
the commit and the publication). Both are idempotent: the same data never makes a second release.

The content is built while the single `FeedCounter` row is locked, so two publications of one tender cannot store
an older state after a newer one, and feed numbers become visible in their order. Publishing is no user's action
and changes no procedure, so it writes no audit entry: the releases are derived from rows that were audited.
"""
from django.db import transaction

from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus

from .build import digest, release_content, stage
from .models import FeedCounter, Release

UPDATE = {"tender": "tenderUpdate", "award": "awardUpdate", "contract": "contractUpdate",
          "implementation": "implementationUpdate", "tenderCancellation": "tenderCancellation"}


def _counter():
    counter = FeedCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        FeedCounter.objects.get_or_create(pk=1)
        counter = FeedCounter.objects.select_for_update().get(pk=1)
    return counter


def _tag(tender, content):
    """The stage the release reports; its update variant when an earlier release already reported that stage."""
    current = stage(content)
    earlier = Release.objects.filter(tender=tender).order_by("-seq").values_list("tag", flat=True)
    if any(current in tags or UPDATE[current] in tags for tags in earlier):
        return [UPDATE[current]]
    return [current]


def _public_tender(tender_id):
    return (Tender.objects.exclude(status=TenderStatus.DRAFT).select_related("project__entity", "project__agency")
            .filter(pk=tender_id).first())


def _unchanged(tender_id):
    tender = _public_tender(tender_id)
    if tender is None:
        return True
    last = Release.objects.filter(tender=tender).order_by("-seq").values_list("digest", flat=True).first()
    return last is not None and last == digest(release_content(tender))


def publish_tender(tender_id):
    """Store a new release of the tender if its public data changed since its last release. Returns it, or None."""
    if _unchanged(tender_id):  # the usual case, decided without taking the feed's lock
        return None
    with transaction.atomic():
        return _publish_locked(tender_id, _counter())


def _publish_locked(tender_id, counter):
    """Inside the transaction that holds the feed counter: build, compare with the last release, store."""
    tender = _public_tender(tender_id)
    if tender is None:
        return None
    content = release_content(tender)
    content_digest = digest(content)
    last = Release.objects.filter(tender=tender).order_by("-seq").first()
    if last is not None and last.digest == content_digest:
        return None
    ocid = content["ocid"]
    release_id = f"{ocid}-{content_digest[:16]}"
    if Release.objects.filter(ocid=ocid, release_id=release_id).exists():  # the data went back to an old state
        release_id = f"{release_id}-{counter.last_seq + 1}"
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    now = clock.now()
    data = {"ocid": ocid, "id": release_id, "date": now.isoformat(), "tag": _tag(tender, content), **content}
    return Release.objects.create(seq=counter.last_seq, tender=tender, ocid=ocid, release_id=release_id,
                                  digest=content_digest, tag=data["tag"], date=now, data=data)


# Tenders published per transaction by publish_all: one commit for many (an import of history publishes
# thousands), while a request's own publication waits for the feed's lock at most one batch.
BATCH = 50


def publish_all(new_only=False):
    """Publish every public tender whose data changed (with new_only, only those never published: a quick check
    after an import); returns how many releases were stored."""
    tenders = Tender.objects.exclude(status=TenderStatus.DRAFT)
    if new_only:
        tenders = tenders.exclude(pk__in=Release.objects.values("tender_id"))
    ids = list(tenders.order_by("pk").values_list("pk", flat=True))
    changed = ids if new_only else [tender_id for tender_id in ids if not _unchanged(tender_id)]
    stored = 0
    for start in range(0, len(changed), BATCH):
        with transaction.atomic():
            counter = _counter()
            stored += sum(1 for tender_id in changed[start:start + BATCH]
                          if _publish_locked(tender_id, counter) is not None)
    return stored
