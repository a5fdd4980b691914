"""A burst of concurrent submissions and replacements, then `audit verify` on that database:
the hash chain stays intact under concurrency (on PostgreSQL, the production database)."""
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from tests.bids.builders import submit
from tests.factories import make_user
from trading.audit.models import AuditEntry
from trading.bids.models import Bid, Receipt

pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_chain_verifies_after_concurrent_submissions(tender_for_bids, capsys):
    bidders = [make_user("contractor") for _ in range(8)]
    errors = []

    def rush(user):
        try:
            for round_ in range(3):
                submit(user, tender_for_bids, client_key=f"load-{user.pk}-{round_}", price=f"{900000 + round_}.00")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=rush, args=(user,)) for user in bidders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Bid.objects.count() == Receipt.objects.count() == 24
    assert Bid.objects.filter(status="active").count() == 8
    assert AuditEntry.objects.filter(action="bids.submit").count() == 24
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out
