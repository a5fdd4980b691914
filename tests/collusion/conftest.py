import pytest

# Django is imported inside the fixtures: tests/collusion/engine runs without it (-p no:django)


@pytest.fixture
def market(db):
    from .builders import build_market

    return build_market()


@pytest.fixture
def report(market):
    from trading.accounts.caller import Caller
    from trading.collusion.services import run_report

    return run_report(Caller.system())
