import numpy as np

from trading.collusion.engine.shape import shape
from .helpers import market, tender


def test_a_bid_listed_once_per_consortium_member_is_one_bid():
    # no bidder ids: the consortium's 100 appears three times, as in files listing each member
    listed = tender("C", [100, 100, 100, 110, 121], bidders=[None] * 5)
    plain = tender("P", [100, 110, 121], bidders=[None] * 3)
    s = shape(market(listed, plain))
    assert s.loc["C", "d_n_bids"] == 3 and np.isclose(s.loc["C", "dup_share"], 0.4)
    for col in ("d_cv", "d_spd", "d_diffp", "rel2", "rel3", "gap_min"):
        assert np.isclose(s.loc["C", col], s.loc["P", col]), col
    assert np.isclose(s.loc["C", "rel2"], 0.10) and np.isclose(s.loc["C", "rel3"], 0.21)
    assert np.isnan(s.loc["C", "rel4"])


def test_two_firms_at_the_same_price_stay_two_bids():
    s = shape(tender("T", [100, 100, 105], bidders=["A", "B", "C"]))
    assert s.loc["T", "d_n_bids"] == 3 and s.loc["T", "dup_share"] == 0
    assert s.loc["T", "gap_min"] == 0 and s.loc["T", "gap_min_share"] == 0


def test_winner_gap_and_contract_size():
    t = tender("T", [200, 210, 260], winner=None)
    t.loc[t["amount"] == 210, "is_winner"] = 1
    s = shape(market(t, tender("U", [5])))
    assert np.isclose(s.loc["T", "win_gap"], 0.05) and s.loc["T", "n_win_rows"] == 1
    assert np.isclose(s.loc["T", "log_amount"], np.log(670 / 3))
    assert np.isnan(s.loc["U", "gap_min"]) and np.isnan(s.loc["U", "rel2"])
