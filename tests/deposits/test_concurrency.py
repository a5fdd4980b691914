"""A bank's notification sent several times at once, on PostgreSQL where the requests really run in parallel:
one is kept and confirms the payment, the others are refused as replays (the unique id settles the race)."""
import pytest
from django.core.exceptions import ValidationError

from tests.bids.test_concurrency import race
from trading.accounts.caller import Caller
from trading.deposits import services
from trading.deposits.models import BankNotification, SecurityPayment

from .builders import bank, declare, notification, signed


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_notification_replayed_in_parallel_is_kept_once(tender, contractor):
    bank()
    payment = declare(contractor, tender)
    raw, signature = signed(notification(payment, notification_id="N-race"))

    def work(i):
        try:
            return services.receive_bank_notification(Caller(), raw, signature).outcome
        except ValidationError as refused:
            return set(refused.message_dict)

    results = race(4, work)
    assert results.count("confirmed") == 1 and results.count({"notification_id"}) == 3
    assert BankNotification.objects.count() == 1
    assert SecurityPayment.objects.get().status == "confirmed"
