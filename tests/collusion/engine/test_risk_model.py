import numpy as np

from trading.collusion.engine import Flag, MarketIndex, Model, TEMPLATES, band, market_flags, score, train
from .helpers import market, random_market, tender


def labelled_market(seed=5):
    rng = np.random.default_rng(seed)
    base = random_market(300, 80, seed=seed).assign(collusive=0)
    rigged = []
    for t in range(20):
        p = rng.lognormal(12, 1)
        k = int(rng.integers(3, 7))
        d = tender(f"K{t}", (p * (1 + rng.uniform(0, 0.01, k))).tolist())
        rigged.append(d.assign(collusive=1))
    return market(base, *rigged)


def test_unsupervised_risk_ranks_close_bids_high_and_in_unit_interval():
    bids = labelled_market()
    s = score(bids).set_index("tender_id")
    assert s["risk"].between(0, 1).all()
    rigged = s.index.str.startswith("K")
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(rigged, s["risk"]) > 0.9
    assert set(s["band"]) <= {"blue", "yellow", "red"}


def test_bands():
    assert list(band([0.1, 0.7, 0.9], (0.6, 0.8))) == ["blue", "yellow", "red"]


def test_supervised_round_trip(tmp_path):
    bids = labelled_market()
    m = train(bids, n_estimators=40)
    path = tmp_path / "model.pkl"
    m.save(path)
    m2 = Model.load(path)
    s1 = score(bids.drop(columns="collusive"), m2).set_index("tender_id")["risk"]
    assert s1.between(0, 1).all()
    assert s1[s1.index.str.startswith("K")].mean() > 0.8
    assert not any(c in m2.features for c in ("tender_id", "date", "collusive", "bidder_id"))


def test_flags_have_sentences():
    # 100 firms: in a toy market of 30, random co-bidding forms communities everywhere
    bids = market(random_market(100, 100), tender("TIGHT", [1000, 1001, 1002, 1002.5]))
    idx = MarketIndex.build(bids)
    flags = market_flags(idx, bids, top=10)
    tight = [f for f in flags if "TIGHT" in f.tenders and f.kind == "low_cv"]
    assert tight and isinstance(tight[0], Flag)
    assert tight[0].sentence.startswith("Bids in tender TIGHT are unusually close together")
    assert all(k in TEMPLATES for k in {f.kind for f in flags})


def test_signal_and_red_flags_have_sentences():
    from trading.collusion.engine import MarketIndex, market_flags
    ts = [tender(f"B{i}", [10, 12, 13], ["W", f"L{i}", "M"], buyer_id="buyer1",
                 ip=["1.1.1.1", "2.2.2.2", "1.1.1.1"], disqualified=[0, 1, 1]) for i in range(6)]
    bids = market(*ts)
    flags = market_flags(MarketIndex.build(bids), bids)
    kinds = {f.kind for f in flags}
    assert {"shared_identity_tender", "shared_identity_market", "buyer_dominance",
            "all_but_winner_disqualified"} <= kinds
    dom = next(f for f in flags if f.kind == "buyer_dominance")
    assert dom.sentence == "Firm W won 6 of the 6 tenders of buyer buyer1 (100%)."
    assert dom.bidders == ["W"] and len(dom.tenders) == 6
