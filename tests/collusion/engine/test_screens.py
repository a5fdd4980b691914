import numpy as np
import pandas as pd
from scipy import stats

from trading.collusion.engine import patterns, screens, subgroup_screens
from .helpers import market, tender


def test_screens_match_definitions():
    x = np.array([100.0, 104, 107, 115, 130])
    s = screens(tender("T", x.tolist())).loc["T"]
    assert np.isclose(s.cv, x.std(ddof=1) / x.mean())
    assert np.isclose(s.spd, 0.30)
    assert np.isclose(s.diffp, 0.04)
    assert np.isclose(s.rd, 4 / x[1:].std(ddof=1))
    assert np.isclose(s["skew"], stats.skew(x, bias=False))
    assert np.isclose(s["kurt"], stats.kurtosis(x, bias=False))
    u = (x - 100) / 30
    assert np.isclose(s.ks, stats.kstest(u, "uniform").statistic)


def test_minimum_bids_give_nan():
    s = screens(market(tender("A", [10.0]), tender("B", [10.0, 11.0]), tender("C", [1.0, 2, 3])))
    assert s.loc["A"].isna()[["cv", "spd", "rd"]].all() and s.loc["A", "n_bids"] == 1
    assert np.isfinite(s.loc["B", "cv"]) and np.isnan(s.loc["B", "rd"])
    assert np.isfinite(s.loc["C", "rd"]) and np.isnan(s.loc["C", "kurt"])


def test_low_cv_fires_on_close_bids_not_on_spread_bids():
    s = screens(market(tender("close", [100, 100.5, 101, 100.8]), tender("wide", [100, 130, 160, 115])))
    assert s.loc["close", "cv"] < 0.01 < s.loc["wide", "cv"]


def test_reserve_ratio_only_with_reserve():
    s = screens(market(tender("R", [90, 95], reserve=100), tender("N", [90, 95])))
    assert np.isclose(s.loc["R", "res_min"], 0.9) and np.isnan(s.loc["N", "res_min"])


def test_subgroup_screens_find_a_tight_subset():
    tight = tender("tight", [100, 150, 150.5, 151, 200, 260])
    loose = tender("loose", [100, 130, 160, 190, 220, 250])
    sg = subgroup_screens(market(tight, loose))
    assert sg.loc["tight", "sub3_cv_min"] < 0.005 < sg.loc["loose", "sub3_cv_min"]
    assert sg.loc["tight", "sub4_cv_min"] < sg.loc["loose", "sub4_cv_min"]


def test_subgroup_sampling_is_capped_and_seeded():
    big = tender("big", list(np.linspace(100, 200, 40)))
    a = subgroup_screens(big, max_subsets=30, seed=3)
    b = subgroup_screens(big, max_subsets=30, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.notna().all(axis=None)


def test_patterns_fire_and_twins_do_not():
    m = market(
        tender("arith", [100, 110, 120, 130]), tender("geom", [100, 105, 110.25, 115.7625]),
        tender("rand", [100, 117, 121, 140]),
        tender("ident", [100, 100, 120], ["A", "B", "C"]), tender("dup", [100, 100, 120], ["A", "A", "C"]),
        tender("round", [95, 97.5, 99.13], reserve=100), tender("noround", [95.31, 97.77, 99.13], reserve=100),
        tender("cluster", [100, 101, 102, 102.5]), tender("nocluster", [100, 108, 115, 125]))
    p = patterns(m)
    assert p.loc["arith", "step_cv_arith"] < 0.01 < p.loc["rand", "step_cv_arith"]
    assert p.loc["geom", "step_cv_geom"] < 0.01 < p.loc["rand", "step_cv_geom"]
    assert p.loc["ident", "identical"] == 2 and p.loc["dup", "identical"] == 0
    assert p.loc["round", "reserve_round"] == 2 and p.loc["noround", "reserve_round"] == 0
    assert p.loc["cluster", "cluster_above"] == 1.0 and p.loc["nocluster", "cluster_above"] == 0.0
