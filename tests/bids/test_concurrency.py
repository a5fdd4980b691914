"""Racing submissions on PostgreSQL, where requests really run in parallel (SQLite serialises them at BEGIN)."""
import threading

import pytest
from django.db import connection

from trading.bids.models import Bid, BidStatus, Receipt

from .builders import submit


def race(n, work):
    barrier, results, errors = threading.Barrier(n), [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_store_one_bid_and_parallel_replacements_keep_one_active(tender, contractor):
    same_key = race(4, lambda i: submit(contractor, tender, client_key="retry-1").bid.pk)
    assert len(set(same_key)) == 1 and Bid.objects.count() == 1

    race(4, lambda i: submit(contractor, tender, client_key=f"replace-{i}").bid.pk)
    bids = Bid.objects.filter(bidder=contractor.organisation)
    assert sorted(bids.values_list("version", flat=True)) == [1, 2, 3, 4, 5]
    assert bids.filter(status=BidStatus.ACTIVE).count() == 1
    assert sorted(Receipt.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
