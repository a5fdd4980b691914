"""Two publications at once on PostgreSQL, one of them slow after taking its feed number: a reader polling the
feed all along never skips the slow one's release (its number is visible before any later one)."""
import threading
import time

import pytest
from django.db import connection

from tests.tenders.builders import published_tender
from trading.opendata import selectors, services
from trading.opendata.models import Release
from trading.tenders import clock
from trading.tenders.models import Tender

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_reader_never_skips_a_release_whose_transaction_commits_late(monkeypatch):
    slow_tender, fast_tender = published_tender(title="Slow"), published_tender(title="Fast")
    assert Release.objects.count() == 2  # published after each commit
    Tender.objects.filter(pk__in=[slow_tender.pk, fast_tender.pk]).update(description="Changed in bulk.")
    real_now = clock.now

    def now():
        # The slow publisher stalls after it took its feed number, before it stores and commits its release.
        if threading.current_thread().name == "slow":
            time.sleep(1.5)
        return real_now()

    monkeypatch.setattr(services.clock, "now", now)
    errors = []

    def publish(tender):
        try:
            services.publish_tender(tender.pk)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    slow = threading.Thread(target=publish, args=(slow_tender,), name="slow")
    fast = threading.Thread(target=publish, args=(fast_tender,), name="fast")
    cursor, seen = max(Release.objects.values_list("seq", flat=True)), []
    slow.start()
    time.sleep(0.3)
    fast.start()
    while slow.is_alive() or fast.is_alive():
        rows = selectors.changes_after(cursor, 100)
        seen += [row.seq for row in rows]
        cursor = rows[-1].seq if rows else cursor
        time.sleep(0.02)
    slow.join()
    fast.join()
    rows = selectors.changes_after(cursor, 100)
    seen += [row.seq for row in rows]
    assert not errors
    published = list(Release.objects.order_by("seq").values_list("seq", flat=True))[2:]
    assert len(published) == 2 and seen == published
