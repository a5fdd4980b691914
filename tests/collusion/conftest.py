import pytest

from trading.accounts.caller import Caller
from trading.collusion.services import run_report

from .builders import build_market


@pytest.fixture
def market(db):
    return build_market()


@pytest.fixture
def report(market):
    return run_report(Caller.system())
