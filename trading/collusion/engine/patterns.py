"""Price patterns inside a tender (vectorised).

step_cv_arith  CV of the gaps between consecutive sorted bids (n >= 3); near 0 = bids
               climb in equal arithmetic steps.
step_cv_geom   CV of the ratios - 1 between consecutive sorted bids (n >= 3); near 0 =
               equal geometric (percentage) steps.
reserve_round  number of bids lying at a round percentage of the reserve price
               (a multiple of ``round_step``, e.g. exactly 95.0% or 97.5%).
identical      number of bids equal to a bid of another (known) bidder in the tender.
cluster_above  share of losing bids within ``cluster_tol`` above the lowest bid (n >= 3).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._groups import Sorted, sort_bids


def _cv_by_group(v: np.ndarray, mask: np.ndarray, s: Sorted) -> np.ndarray:
    w = mask.astype(float)
    c = s.gsum(w)
    v = np.where(mask, v, 0.0)
    mean = s.gsum(v) / np.maximum(c, 1)
    d = np.where(mask, v - mean[s.code], 0.0)
    sd = np.sqrt(s.gsum(d * d) / np.maximum(c - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(mean > 0, sd / mean, np.nan)
    out[c < 2] = np.nan
    return out


def _identical(bids: pd.DataFrame) -> pd.Series:
    """Per tender: bids whose amount equals that of a *different, known* bidder.
    Rows without bidder id are ignored (they may be duplicated rows, not two firms)."""
    if "bidder_id" not in bids:
        return pd.Series(dtype=float)
    b = bids.loc[bids["bidder_id"].notna(), ["tender_id", "bidder_id", "amount"]]
    nb = b.groupby(["tender_id", "amount"], sort=False)["bidder_id"].transform("nunique")
    return b[nb >= 2].groupby("tender_id", sort=False).size().astype(float)


def patterns(bids: pd.DataFrame, s: Sorted | None = None, *, round_step: float = 0.005,
             round_tol: float = 1e-5, cluster_tol: float = 0.03) -> pd.DataFrame:
    s = s or sort_bids(bids)
    x = s.x
    prev = np.concatenate([[np.nan], x[:-1]])
    has_prev = s.rank > 0
    gap = np.where(has_prev, x - prev, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(has_prev & (prev > 0), x / prev - 1.0, np.nan)
    ok = has_prev & (gap > 0)
    arith = _cv_by_group(gap, ok, s)
    geom = _cv_by_group(ratio, ok & np.isfinite(ratio), s)
    # all gaps must be positive for a step pattern
    nonpos = s.gsum((has_prev & ~(gap > 0)).astype(float)) > 0
    arith[nonpos | (s.n < 3)] = np.nan
    geom[nonpos | (s.n < 3)] = np.nan
    ident = _identical(bids).reindex(s.tenders, fill_value=0).to_numpy(float)
    lo = x[s.start]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = (x - lo[s.code]) / lo[s.code]
    near = s.gsum((has_prev & (rel <= cluster_tol)).astype(float))
    cluster = np.where(s.n >= 3, near / np.maximum(s.n - 1, 1), np.nan)
    rround = np.zeros(len(s.n))
    if "reserve_price" in bids:
        res = s.column(bids, "reserve_price").astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = x / res / round_step
        hit = np.isfinite(q) & (np.abs(q - np.round(q)) < round_tol / round_step) & (np.abs(x - res) > 0)
        rround = s.gsum(hit.astype(float))
    return pd.DataFrame({"step_cv_arith": arith, "step_cv_geom": geom,
                         "reserve_round": rround, "identical": ident,
                         "cluster_above": cluster}, index=s.tenders)
