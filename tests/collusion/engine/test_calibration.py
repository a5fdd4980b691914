"""Bands mean something: in a competitive market red is rare; on the demo market red
tenders are cartel tenders; no single line of evidence is red on its own."""
import numpy as np
import pandas as pd
import pytest

from fixtures.market import generate
from trading.collusion.engine import MarketIndex, score
from trading.collusion.engine import risk as R
from trading.collusion.engine.graph import find_groups
from trading.collusion.engine.market import group_evidence
from trading.collusion.engine.signals import SIGNAL_WEIGHTS

from .helpers import market, random_market, tender

RED = R.BANDS[1]


def demo_market(seed, contractors=160, tenders=700):
    """The demo generator's bids, with the tenders each planted cartel rigged."""
    m = generate(seed=seed, contractors=contractors, tenders=tenders)
    bids = pd.DataFrame(list(m.rows()))
    who = bids.groupby("tender_id")["bidder_id"].agg(set)
    ring = {t for t, firms in who.items() if len(firms & set(m.rotation_ring)) >= 2}
    cover = {t for t, firms in who.items() if m.cover_pair[1] in firms}
    return bids, ring, cover


@pytest.mark.parametrize("tenders,firms,seed", [(1000, 200, 1), (2000, 400, 2)])
def test_a_random_competitive_market_has_no_red_and_little_yellow(tenders, firms, seed):
    bands = score(random_market(tenders, firms, seed=seed))["band"].value_counts(normalize=True)
    assert bands.get("red", 0) <= 0.01
    assert bands.get("yellow", 0) <= 0.05


@pytest.mark.parametrize("seed", [2024, 7])
def test_the_demo_market_without_its_cartels_is_almost_all_blue(seed):
    bids, ring, cover = demo_market(seed)
    honest = bids[~bids["tender_id"].isin(ring | cover)]
    bands = score(honest)["band"].value_counts(normalize=True)
    assert bands.get("red", 0) <= 0.02          # measured 0.0% and 0.3%
    assert bands.get("yellow", 0) <= 0.15       # measured 5.8% and 8.6%


@pytest.mark.parametrize("seed", [2024, 7])
def test_red_tenders_of_the_demo_market_are_cartel_tenders_of_both_cartels(seed):
    bids, ring, cover = demo_market(seed)
    s = score(bids).set_index("tender_id")
    red = set(s.index[s["band"] == "red"])
    assert len(red) / len(s) <= 0.25            # 139 of 700 tenders are rigged
    assert len(red & (ring | cover)) / len(red) >= 0.9       # measured 1.00 and 0.99
    assert len(red & ring) >= 0.8 * len(ring) and len(red & cover) >= 0.8 * len(cover)


def test_no_single_line_of_evidence_is_red_on_its_own():
    assert R.screen_evidence(0.0) < RED                      # the most extreme screens
    assert R.screen_evidence(R.SCREEN_YELLOW_TAIL) == pytest.approx(R.BANDS[0])
    assert np.all(np.diff(R.screen_evidence(np.linspace(0, 1, 50))) < 0)   # ranking kept
    assert group_evidence(1.0) < RED
    assert max(w for pair in SIGNAL_WEIGHTS.values() for w in pair) < RED
    assert max(R.PATTERN_WEIGHTS.values()) < RED


def _with_identities(**shared):
    parts = [tender(f"T{i}", [100 + i, 104 + i, 109 + i, 115 + i]) for i in range(60)]
    rigged = tender("RIG", [100, 104, 109, 115], ["A", "B", "C", "D"], **shared)
    return market(*parts, rigged)


def test_two_identifiers_shared_in_one_tender_are_red_a_common_name_is_not():
    both = _with_identities(ip=["1.2.3.4", "1.2.3.4", "5.6.7.8", "9.9.9.9"],
                            device=["d1", "d1", "d2", "d3"]).pipe(score).set_index("tender_id")
    assert both.loc["RIG", "band"] == "red"
    one = _with_identities(ip=["1.2.3.4", "1.2.3.4", "5.6.7.8", "9.9.9.9"]).pipe(score).set_index("tender_id")
    assert one.loc["RIG", "band"] == "yellow"
    name = _with_identities(project_manager=["Wang Wei", "Wang Wei", "Li Na", "Chen Jie"]).pipe(score)
    assert name.set_index("tender_id").loc["RIG", "band"] == "blue"


def test_an_identifier_shared_elsewhere_counts_only_where_both_firms_bid():
    shared = tender("S", [100, 130, 160], ["A", "B", "X"], ip=["1.1.1.1", "1.1.1.1", "2.2.2.2"])
    with_both = tender("BOTH", [100, 140, 170], ["A", "B", "Y"])
    with_one = tender("ONE", [100, 140, 170], ["A", "Z", "Y"])
    table = MarketIndex.build(market(shared, with_both, with_one)).table
    assert table.loc["BOTH", "signal_evidence"] > 0
    assert table.loc["ONE", "signal_evidence"] == 0


def test_a_group_where_one_member_wins_everything_has_rotation_zero_not_minus_zero():
    parts = [tender(f"G{i}", [100, 103, 107], ["Lead", "Cover", "Other"]) for i in range(6)]
    groups, _, _ = find_groups(market(*parts))
    assert f"{groups['rotation'].iloc[0]:.2f}" == "0.00"
