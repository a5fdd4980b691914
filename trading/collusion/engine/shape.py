"""The shape of a tender's bids beyond the classic screens, for the supervised model
(vectorised, one row per tender, computed from bids alone).

Distinct bids: a row repeating the tender, bidder and amount of another row is the same
bid listed twice (files list a consortium's bid once per member, with no bidder id).
The classic screens over distinct bids, prefixed ``d_``, so that such listings do not
pass for identical prices or for a tightly packed field; the row-level screens are kept
beside them, and ``dup_share`` says how much was repeated.

column          definition (b1 <= b2 <= ... distinct amounts)
d_<screen>      screens.screens over distinct bids (n_bids, cv, spd, diffp, rd, skew, kurt, ks)
d_mad           median absolute deviation / median (robust dispersion; one outlier
                bid, e.g. a far-off cover, does not hide a tight pack), n >= 3
d_lcv           CV of the losing bids (all but the lowest): how tightly the others sit
                together, whatever the winner's gap, n >= 3
d_rdnorm        normalised relative distance (Imhof, Karagök & Rutz 2018): (b2 - b1) / mean
                gap between consecutive losing bids, i.e. (b2 - b1) (n - 2) / (bn - b2);
                the winner's gap against the spacing of the others, n >= 3 (capped at 100)
rel2..rel4      b_k / b1 - 1: how far the 2nd to 4th bids sit above the lowest
rel_mean        mean of b_i / b1 - 1
gap_min/max     smallest / largest gap between consecutive bids, / b1
gap_min_share   smallest gap / (b_n - b1): 0 when two bids nearly touch
dup_share       1 - distinct bids / rows
n_win_rows      rows marked as winning
win_gap         winning amount / b1 - 1 (0 when the lowest bid wins)
log_amount      log of the mean bid: the size of the contract
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._groups import Sorted, sort_bids
from .screens import RD_CAP, screens

DISTINCT_SCREENS = ("n_bids", "cv", "spd", "diffp", "rd", "skew", "kurt", "ks")


def distinct_bids(bids: pd.DataFrame) -> pd.DataFrame:
    key = ["tender_id", "amount"] + (["bidder_id"] if "bidder_id" in bids else [])
    return bids.loc[~bids.duplicated(key).to_numpy()]


def _reduce(fn, v: np.ndarray, s: Sorted) -> np.ndarray:
    return fn.reduceat(v, s.start) if len(v) else np.array([])


def _median(v: np.ndarray, s: Sorted) -> np.ndarray:
    """Median per group of ``v`` already sorted within each group."""
    a = s.start + (s.n - 1) // 2
    b = s.start + s.n // 2
    return (v[a] + v[b]) / 2.0 if len(v) else np.array([])


def _mad(s: Sorted) -> np.ndarray:
    """Median absolute deviation from the median, over the median (NaN below 3 bids)."""
    if not len(s.x):
        return np.array([])
    med = _median(s.x, s)
    dev = np.abs(s.x - med[s.code])
    dev = dev[np.lexsort((dev, s.code))]          # groups stay in place, sorted inside
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(med > 0, _median(dev, s) / med, np.nan)
    return np.where(s.n >= 3, out, np.nan)


def _losing_cv(s: Sorted) -> np.ndarray:
    """CV (ddof=1) of every bid but the lowest (NaN below 3 bids)."""
    lose = (s.rank > 0).astype(float)
    nl = s.gsum(lose)
    mean = s.gsum(s.x * lose) / np.maximum(nl, 1)
    d = (s.x - mean[s.code]) * lose
    sd = np.sqrt(s.gsum(d * d) / np.maximum(nl - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(mean > 0, sd / mean, np.nan)
    return np.where(s.n >= 3, out, np.nan)


def _rdnorm(s: Sorted) -> np.ndarray:
    """(b2 - b1) / mean gap between consecutive losing bids (NaN below 3 bids)."""
    if not len(s.x):
        return np.array([])
    n = s.n
    last = len(s.x) - 1
    b1 = s.x[s.start]
    b2 = s.x[np.minimum(s.start + 1, last)]
    bn = s.x[s.start + n - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_gap = (bn - b2) / np.maximum(n - 2, 1)
        out = np.where(mean_gap > 1e-12 * np.abs(b1), (b2 - b1) / mean_gap,
                       np.where(b2 > b1, RD_CAP, 0.0))
    return np.where(n >= 3, np.minimum(out, RD_CAP), np.nan)


def shape(bids: pd.DataFrame, s: Sorted | None = None) -> pd.DataFrame:
    s = s or sort_bids(bids)
    d = distinct_bids(bids)
    ds = sort_bids(d)
    out = screens(d, ds)[list(DISTINCT_SCREENS)].add_prefix("d_")
    x, n = ds.x, ds.n
    lo = x[ds.start]
    hi = x[ds.start + n - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        safe_lo = np.where(lo > 0, lo, np.nan)
        for k in (2, 3, 4):
            out[f"rel{k}"] = np.where(n >= k, x[np.minimum(ds.start + k - 1, len(x) - 1)] / safe_lo - 1, np.nan)
        out["rel_mean"] = ds.gsum(x) / n / safe_lo - 1
        has_prev = ds.rank > 0
        gap = np.where(has_prev, x - np.concatenate([[np.nan], x[:-1]]), np.nan)
        gmin = _reduce(np.minimum, np.where(has_prev, gap, np.inf), ds)
        gmax = _reduce(np.maximum, np.where(has_prev, gap, -np.inf), ds)
        single = n < 2
        gmin = np.where(single, np.nan, gmin)
        gmax = np.where(single, np.nan, gmax)
        out["gap_min"] = gmin / safe_lo
        out["gap_max"] = gmax / safe_lo
        out["gap_min_share"] = np.where(hi > lo, gmin / (hi - lo), np.nan)
        out["d_mad"] = _mad(ds)
        out["d_lcv"] = _losing_cv(ds)
        out["d_rdnorm"] = _rdnorm(ds)
    out = out.reindex(s.tenders)
    out["dup_share"] = 1.0 - out["d_n_bids"].to_numpy(float) / s.n
    lo_all = s.x[s.start]
    if "is_winner" in bids:
        w = pd.to_numeric(pd.Series(s.column(bids, "is_winner")), errors="coerce").to_numpy(float)
        won = np.nan_to_num(w) > 0
        nwin = s.gsum(won.astype(float))
        win_amount = s.gsum(np.where(won, s.x, 0.0)) / np.maximum(nwin, 1)
        known = s.gsum(np.isfinite(w).astype(float)) > 0
        out["n_win_rows"] = np.where(known, nwin, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["win_gap"] = np.where(nwin > 0, win_amount / np.where(lo_all > 0, lo_all, np.nan) - 1, np.nan)
    else:
        out["n_win_rows"] = np.nan
        out["win_gap"] = np.nan
    mean = s.gsum(s.x) / s.n
    with np.errstate(divide="ignore", invalid="ignore"):
        out["log_amount"] = np.log(np.where(mean > 0, mean, np.nan))
    return out
