"""Debarments through the credit room's service, as a supervisor enters them."""
import datetime as dt

from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.credit import services
from trading.tenders import clock


def debar(firm, supervisor=None, starts=dt.timedelta(days=-1), lasts=dt.timedelta(days=365), decision=None):
    supervisor = supervisor or make_user("supervisor")
    start = clock.now() + starts
    return services.record_debarment(Caller(user=supervisor, ip="203.0.113.5"), firm.pk,
                                     decision=decision or "Housing Bureau decision 2026-17",
                                     reason="Bid rigging confirmed in tender T-2026-001.",
                                     starts_at=start, ends_at=start + lasts)
