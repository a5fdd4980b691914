"""Detection on a market the engine has never seen: the shipped cross-market model, the
market-relative features it reads, and a combination rule that a market's habits cannot
turn against its own best evidence."""
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from trading.collusion.engine import (
    CrossMarketModel,
    MarketIndex,
    load_builtin,
    score,
    tender_labels,
    transfer,
)
from trading.collusion.engine.shape import shape

from .helpers import market, tender


def labelled(seed, n=160, rigged_share=0.3, scale=12.0, per=(4, 8), spread=0.2, tight=0.012, covers=0.3):
    """A market of its own size and habits: honest bids spread over ``spread``, rigged ones
    packed within ``tight`` of each other (with one far cover bid now and then)."""
    rng = np.random.default_rng(seed)
    parts = []
    for t in range(n):
        k = int(rng.integers(per[0], per[1] + 1))
        base = rng.lognormal(scale, 1)
        rigged = rng.random() < rigged_share
        if rigged:
            amounts = base * (1 + rng.uniform(0, tight, k))
            if rng.random() < covers:
                amounts[-1] = base * 1.6
        else:
            amounts = base * (1 + rng.uniform(0, spread * 2, k))
        parts.append(tender(f"M{seed}-{t}", amounts.tolist()).assign(collusive=int(rigged)))
    return market(*parts)


def tables(bids):
    idx = MarketIndex.build(bids.drop(columns="collusive"))
    y = tender_labels(bids)
    return idx.table.reindex(y.index), y.to_numpy()


def test_robust_dispersion_sees_a_tight_pack_behind_one_far_bid():
    bids = market(tender("PACK", [100.0, 100.4, 100.8, 101.0, 160.0]),   # one far cover bid
                  tender("UNDER", [70.0, 100.0, 100.5, 101.0]),          # the winner far below a pack
                  tender("OPEN", [100.0, 112.0, 125.0, 139.0, 160.0]))
    s = shape(bids)
    assert s.loc["PACK", "d_mad"] < 0.01 and s.loc["OPEN", "d_mad"] > 0.1
    assert s.loc["UNDER", "d_lcv"] < 0.01 and s.loc["OPEN", "d_lcv"] > 0.1
    # the classic CV puts all three far from a tight pack
    assert (s["d_cv"] > 0.1).all()


def test_a_model_fitted_on_two_markets_ranks_a_third_of_another_size_and_habit():
    train = {"small works": tables(labelled(1, scale=10, per=(3, 5))),
             "large works": tables(labelled(2, scale=16, per=(6, 10), spread=0.1))}
    model = transfer.fit(train)
    assert all(w >= 0 for w in model.weights.values())
    assert [t["used"] for t in model.training] == [True, True]
    unseen = labelled(3, scale=13, per=(4, 7), spread=0.3, rigged_share=0.5)
    y = tender_labels(unseen)
    s = score(unseen.drop(columns="collusive"), model).set_index("tender_id")["risk"].reindex(y.index)
    assert roc_auc_score(y, s) > 0.9


def test_a_market_with_too_few_tenders_of_a_class_teaches_nothing():
    almost_all_rigged = labelled(4, rigged_share=0.97)
    model = transfer.fit({"ok": tables(labelled(5)), "one-sided": tables(almost_all_rigged)})
    used = {t["market"]: t["used"] for t in model.training}
    assert used == {"ok": True, "one-sided": False}
    with pytest.raises(ValueError, match="no market has"):
        transfer.fit({"one-sided": tables(almost_all_rigged)})


def test_the_model_file_is_plain_json_and_round_trips(tmp_path):
    model = transfer.fit({"a": tables(labelled(6)), "b": tables(labelled(7))})
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text())
    assert data["format"] == transfer.FORMAT and set(data["weights"]) == set(model.weights)
    assert CrossMarketModel.load(path) == model
    data["weights"]["tender_id"] = 1.0          # an input the engine must never use
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="unknown model inputs"):
        CrossMarketModel.load(path)


def test_the_builtin_model_ranks_an_unseen_market_and_keeps_the_bands_meaning():
    model = load_builtin()
    assert [t["market"] for t in model.training if t["used"]]       # trained on labelled markets
    bids = labelled(8, n=200, covers=0.0)
    y = tender_labels(bids)
    s = score(bids.drop(columns="collusive"), model).set_index("tender_id").reindex(y.index)
    assert roc_auc_score(y, s["risk"]) > 0.9
    # tight bids alone are one line of evidence: at most yellow, never red
    assert (s["band"] != "red").all()


def test_a_price_habit_of_the_whole_market_does_not_outrank_suspicious_screens():
    """Half the honest tenders have two firms at exactly the same price (a legal price
    floor, say): identical prices there are the market's habit, not evidence."""
    rng = np.random.default_rng(9)
    parts = []
    for t in range(300):
        base = rng.lognormal(12, 1)
        if t % 10 == 0:                                   # rigged: tight bids
            amounts = list(base * (1 + rng.uniform(0, 0.01, 5)))
            parts.append(tender(f"K{t}", amounts).assign(collusive=1))
            continue
        amounts = list(base * (1 + rng.uniform(0, 0.4, 5)))
        if t % 2:
            amounts[1] = amounts[0]                       # two firms at the floor
        parts.append(tender(f"H{t}", amounts).assign(collusive=0))
    bids = market(*parts)
    y = tender_labels(bids)
    s = score(bids.drop(columns="collusive")).set_index("tender_id")["risk"].reindex(y.index)
    assert roc_auc_score(y, s) > 0.95
    # where identical prices are rare, they still count
    few = pd.concat([bids[bids["tender_id"].str.startswith("K")],
                     bids[bids["tender_id"].isin([f"H{t}" for t in range(2, 300, 2)])],
                     tender("ODD", [1000.0, 1000.0, 1300.0, 1400.0, 1500.0]).assign(collusive=0)])
    odd = score(few.drop(columns="collusive")).set_index("tender_id")["risk"]
    assert odd["ODD"] > odd[[i for i in odd.index if i.startswith("H")]].max()
