import numpy as np
import pandas as pd

from trading.collusion.engine import (MarketIndex, buyer_dominance, disqualification_flags, find_groups,
                                      score_bidders, shared_identities, split_below_threshold)
from trading.collusion.engine.market import score_tender
from .helpers import market, random_market, tender

RING = ["C1", "C2", "C3", "C4", "C5"]


def planted_ring(seed=2, n_rigged=30):
    rng = np.random.default_rng(seed)
    base = random_market(300, 80, seed=seed)
    rigged = []
    for t in range(n_rigged):
        winner = RING[t % len(RING)]                       # bid rotation
        others = [f for f in RING if f != winner]
        price = rng.lognormal(12, 1)
        bidders = [winner] + others
        amounts = [price] + [price * (1 + rng.uniform(0.02, 0.05)) for _ in others]
        rigged.append(tender(f"X{t}", amounts, bidders))
    return market(base, *rigged)


def test_planted_rotation_ring_is_top_group():
    groups, member_of, g = find_groups(planted_ring())
    top = groups.iloc[0]
    assert set(top["members"]) == set(RING)
    assert top["rotation"] > 0.9 and top["exclusivity"] > 0.6 and top["score"] > 0.6
    assert groups.iloc[1]["score"] < top["score"] - 0.2


def test_ring_bidders_rank_highest_and_index_scores_a_new_tender():
    bids = planted_ring()
    idx = MarketIndex.build(bids)
    sb = score_bidders(bids, index=idx)
    assert set(sb.head(5)["bidder_id"]) == set(RING)
    new = tender("NEW", [1000, 1030, 1040], ["C1", "C2", "C3"])
    other = tender("NEW2", [1000, 1300, 1500], ["F1", "F2", "F3"])
    r1 = score_tender(idx, new)["risk"].iloc[0]
    r2 = score_tender(idx, other)["risk"].iloc[0]
    assert r1 > r2


def test_no_group_without_bidder_ids():
    bids = random_market(50, 20).assign(bidder_id=np.nan)
    groups, member_of, _ = find_groups(bids)
    assert groups.empty and member_of == {}


def test_shared_identity_fires_only_for_different_bidders():
    m = market(tender("T1", [10, 11, 12], ["A", "B", "C"], ip=["1.1.1.1", "1.1.1.1", "2.2.2.2"]),
               tender("T2", [10, 11], ["A", "D"], ip=["3.3.3.3", "4.4.4.4"]),
               tender("T3", [10, 11], ["D", "E"], ip=["5.5.5.5", "6.6.6.6"]),
               tender("T4", [10, 11], ["F", "G"], ip=["6.6.6.6", "7.7.7.7"]))
    f = shared_identities(m)
    same = f[f["scope"] == "tender"]
    assert len(same) == 1 and same.iloc[0]["bidders"] == ["A", "B"]
    market_level = f[f["scope"] == "market"]
    assert {tuple(b) for b in market_level["bidders"]} == {("A", "B"), ("E", "F")}
    assert shared_identities(m.drop(columns="ip")).empty


def test_buyer_dominance():
    ts = [tender(f"B{i}", [10, 12], ["W", f"L{i}"], buyer_id="buyer1") for i in range(6)]
    ts += [tender(f"C{i}", [10, 12], [f"W{i}", "Z"], buyer_id="buyer2") for i in range(6)]
    d = buyer_dominance(market(*ts))
    assert list(zip(d["buyer_id"], d["bidder_id"])) == [("buyer1", "W")]


def test_disqualification_flags_and_twin():
    lowdq = tender("T1", [9, 10, 12], ["A", "B", "C"], disqualified=[1, 0, 0])
    lowdq.loc[:, "is_winner"] = [0, 1, 0]
    allbut = tender("T2", [10, 11, 12], ["A", "B", "C"], disqualified=[0, 1, 1])
    clean = tender("T3", [10, 11, 12], ["A", "B", "C"], disqualified=[0, 0, 1])
    f = disqualification_flags(market(lowdq, allbut, clean))
    assert set(zip(f["tender_id"], f["kind"])) == {("T1", "lowest_disqualified"),
                                                    ("T2", "all_but_winner_disqualified")}


def test_split_below_threshold():
    def t(i, day, value, buyer="B"):
        d = tender(f"S{buyer}{i}", [value * 0.9, value * 0.95], reserve=value, buyer_id=buyer)
        d["date"] = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
        return d
    split = [t(i, i * 3, 99_000) for i in range(4)]
    spaced = [t(i, i * 60, 99_000, "Q") for i in range(4)]
    f = split_below_threshold(market(*split, *spaced), threshold=100_000)
    assert list(f["buyer_id"]) == ["B"] and len(f.iloc[0]["tenders"]) == 4
