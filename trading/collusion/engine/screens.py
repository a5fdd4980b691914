"""Per-tender screens on the distribution of bids, vectorised (no per-tender loops).

All screens are scale-free (ratios), so tenders of different sizes and markets can be
compared directly; market-relative percentiles are taken later (``risk.MarketIndex``).

screen  definition                                   min bids  collusion tends to make it
cv      std (ddof=1) / mean                          2         low
spd     (max - min) / min                            2         low
diffp   (b2 - b1) / b1 (two lowest bids)             2         high
rd      (b2 - b1) / std of losing bids (all but b1)  3         high
skew    bias-corrected sample skewness               3         -
kurt    bias-corrected excess kurtosis               4         -
ks      Kolmogorov-Smirnov distance of the bids,
        rescaled to [0, 1], from the uniform law     3         -
n_bids  number of bids                               1
res_min lowest bid / reserve price                   1 (+reserve)
res_mean mean bid / reserve price                    1 (+reserve)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._groups import Sorted, sort_bids

MIN_BIDS = {"cv": 2, "spd": 2, "diffp": 2, "rd": 3, "skew": 3, "kurt": 4, "ks": 3}
RD_CAP = 100.0  # RD when the losing bids are identical but b2 > b1


def _nan_below(v: np.ndarray, n: np.ndarray, k: int) -> np.ndarray:
    v = v.astype(float, copy=True)
    v[n < k] = np.nan
    return v


def screens(bids: pd.DataFrame, s: Sorted | None = None) -> pd.DataFrame:
    """One row per tender (index ``tender_id``) with the screens above."""
    s = s or sort_bids(bids)
    n = s.n.astype(float)
    x = s.x
    mean = s.gsum(x) / n
    d = x - mean[s.code]
    m2 = s.gsum(d * d) / n
    m3 = s.gsum(d ** 3) / n
    m4 = s.gsum(d ** 4) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(m2 * n / np.maximum(n - 1, 1))
        cv = np.where(mean > 0, sd / mean, 0.0)
        lo = x[s.start]
        hi = x[s.start + s.n - 1]
        b2 = x[np.minimum(s.start + 1, len(x) - 1)]
        spd = np.where(lo > 0, (hi - lo) / lo, np.where(hi > lo, RD_CAP, 0.0))
        gap = b2 - lo
        diffp = np.where(lo > 0, gap / lo, np.where(gap > 0, RD_CAP, 0.0))
        # std of losing bids (every bid but the lowest)
        lose = s.rank > 0
        nl = n - 1
        lmean = s.gsum(np.where(lose, x, 0.0)) / np.maximum(nl, 1)
        dl = np.where(lose, x - lmean[s.code], 0.0)
        lsd = np.sqrt(s.gsum(dl * dl) / np.maximum(nl - 1, 1))
        rd = np.where(lsd > 1e-12 * np.maximum(lmean, 1e-300), gap / lsd,
                      np.where(gap > 0, RD_CAP, 0.0))
        rd = np.minimum(rd, RD_CAP)
        flat = m2 <= 1e-24 * mean * mean
        g1 = np.where(flat, 0.0, m3 / m2 ** 1.5)
        skew = g1 * np.sqrt(n * (n - 1)) / np.maximum(n - 2, 1)
        g2 = np.where(flat, 0.0, m4 / m2 ** 2 - 3.0)
        kurt = ((n + 1) * g2 + 6) * (n - 1) / np.maximum((n - 2) * (n - 3), 1)
        kurt = np.where(flat, 0.0, kurt)
        # KS distance from uniform on [min, max]
        width = (hi - lo)[s.code]
        u = np.where(width > 0, (x - lo[s.code]) / np.where(width > 0, width, 1), 0.5)
        i = s.rank + 1.0
        nn = n[s.code]
        dks = np.maximum(i / nn - u, u - (i - 1) / nn)
        ks = np.maximum.reduceat(dks, s.start) if len(x) else np.array([])
    out = pd.DataFrame({
        "n_bids": s.n,
        "cv": _nan_below(cv, s.n, 2),
        "spd": _nan_below(spd, s.n, 2),
        "diffp": _nan_below(diffp, s.n, 2),
        "rd": _nan_below(rd, s.n, 3),
        "skew": _nan_below(skew, s.n, 3),
        "kurt": _nan_below(kurt, s.n, 4),
        "ks": _nan_below(ks, s.n, 3),
    }, index=s.tenders)
    res = s.column(bids, "reserve_price").astype(float) if "reserve_price" in bids else None
    if res is not None:
        r = np.where(res > 0, res, np.nan)
        cnt = np.bincount(s.code, weights=~np.isnan(r), minlength=len(s.n))
        rsum = s.gsum(np.nan_to_num(r))
        rmean = np.where(cnt > 0, rsum / np.maximum(cnt, 1), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["res_min"] = lo / rmean
            out["res_mean"] = mean / rmean
    else:
        out["res_min"] = np.nan
        out["res_mean"] = np.nan
    return out
