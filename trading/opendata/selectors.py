"""Reads of the published releases, shaped as OCDS 1.1 release and record packages.

Everything here is public: a release holds only what build.py lets out.

- The change feed: releases with a feed number above the cursor (`since`), in feed order, a page at a time. The
  cursor of the next page is the last number of this one; a page with no release means the reader is up to date
  (the only answer that is not a valid OCDS package, which needs at least one release) and polls the same cursor
  again later.
- A tender's releases (a release package) and its record (the releases and the compiled release, which is the
  latest release: every release carries the whole public state).
- Every record, a page at a time, in tender order (`after` the last tender of the previous page).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from trading.tenders import clock

from .build import EXTENSIONS, site_url
from .models import Release

VERSION = "1.1"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def publisher():
    return {"name": settings.SUNLIGHT.get("OCDS_PUBLISHER") or "Sunlight public resource trading platform"}


def cursor(value, field):
    """A non-negative whole number from user input (a feed number or a tender's row), or a field error."""
    if value in (None, ""):
        return 0
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise ValidationError({field: _("Give the number from the previous page's next link (0 to start).")})
    return int(text)


def page_size(value):
    if value in (None, ""):
        return PAGE_SIZE
    text = str(value).strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationError({"limit": _("Ask for 1 to %(max)s items a page.") % {"max": MAX_PAGE_SIZE}})
    return int(text)


def changes_after(since, limit):
    """Releases published after feed number `since`, in feed order: at most `limit`."""
    return list(Release.objects.filter(seq__gt=since).order_by("seq")[:limit])


def releases_of(ocid):
    """Every release of one contracting process, oldest first; a 404 for an ocid nobody published."""
    rows = list(Release.objects.filter(ocid=ocid).order_by("seq")) if len(ocid) <= 120 else []
    if not rows:
        raise Http404(_("No open data for this contracting process."))
    return rows


def records_after(after, limit):
    """The releases of the next `limit` tenders (by row) after tender `after`: [(tender id, [releases])]."""
    tender_ids = list(Release.objects.filter(tender_id__gt=after).order_by("tender_id")
                      .values_list("tender_id", flat=True).distinct()[:limit])
    grouped = {tender_id: [] for tender_id in tender_ids}
    for row in Release.objects.filter(tender_id__in=tender_ids).order_by("seq"):
        grouped[row.tender_id].append(row)
    return list(grouped.items())


def _published(rows):
    return max((row.date for row in rows), default=None) or clock.now()


def release_package(rows, uri, links=None):
    package = {"uri": uri, "version": VERSION, "extensions": EXTENSIONS, "publisher": publisher(),
               "publishedDate": _published(rows).isoformat(), "publicationPolicy": site_url(reverse("opendata:index")),
               "releases": [row.data for row in rows]}
    if links is not None:
        package["links"] = links
    return package


def release_url(row):
    return site_url(reverse("api-ocds-tender-releases", args=[row.ocid])) + "#" + row.release_id


def record(rows, embed=True):
    """A record: the releases (whole, or linked by their URL) and the compiled release, which is the latest."""
    latest = rows[-1]
    compiled = {**latest.data, "id": f"{latest.ocid}-compiled", "tag": ["compiled"]}
    releases = ([row.data for row in rows] if embed
                else [{"url": release_url(row), "date": row.date.isoformat(), "tag": row.tag} for row in rows])
    return {"ocid": latest.ocid, "releases": releases, "compiledRelease": compiled}


def record_package(groups, uri, embed=True, links=None):
    rows = [row for _, releases in groups for row in releases]
    package = {"uri": uri, "version": VERSION, "extensions": EXTENSIONS, "publisher": publisher(),
               "publishedDate": _published(rows).isoformat(), "publicationPolicy": site_url(reverse("opendata:index")),
               "records": [record(releases, embed) for _, releases in groups]}
    if links is not None:
        package["links"] = links
    return package
