"""Subgroup screens (Wallimann, Imhof & Huber 2022, incomplete cartels).

For every tender the screens are computed on each 3-bid and each 4-bid subset of its
sorted bids and summarised by mean / median / min / max.  When a tender has more
subsets than ``max_subsets`` a seeded sample of subsets is used (the same sample for
every tender with that number of bids, so the result is deterministic).
Fully vectorised: tenders are processed in blocks of equal bid count.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd

from ._groups import Sorted, sort_bids

SUB_SCREENS = ("cv", "spd", "diffp", "rd", "ks", "skew")
STATS = ("mean", "median", "min", "max")


@lru_cache(maxsize=512)
def _combos(n: int, k: int, cap: int, seed: int) -> np.ndarray:
    total = comb(n, k)
    if total <= cap:
        return np.array(list(combinations(range(n), k)), dtype=np.int32)
    rng = np.random.default_rng(seed + 1000 * n + k)
    seen: set = set()
    while len(seen) < cap:
        seen.add(tuple(sorted(rng.choice(n, size=k, replace=False).tolist())))
    return np.array(sorted(seen), dtype=np.int32)


def _block_screens(S: np.ndarray) -> dict[str, np.ndarray]:
    """S: (..., k) sorted bids. Returns screens over the last axis."""
    k = S.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = S.mean(-1)
        d = S - mean[..., None]
        m2 = (d * d).mean(-1)
        sd = np.sqrt(m2 * k / (k - 1))
        lo, b2, hi = S[..., 0], S[..., 1], S[..., -1]
        safe_lo = np.where(lo > 0, lo, np.nan)
        cv = sd / np.where(mean > 0, mean, np.nan)
        spd = (hi - lo) / safe_lo
        diffp = (b2 - lo) / safe_lo
        lsd = S[..., 1:].std(-1, ddof=1)
        rd = np.minimum(np.where(lsd > 0, (b2 - lo) / np.where(lsd > 0, lsd, 1),
                                 np.where(b2 > lo, 100.0, 0.0)), 100.0)
        flat = m2 <= 1e-24 * mean * mean
        g1 = np.where(flat, 0.0, (d ** 3).mean(-1) / m2 ** 1.5)
        skew = g1 * np.sqrt(k * (k - 1)) / (k - 2)
        width = hi - lo
        u = np.where(width[..., None] > 0, (S - lo[..., None]) / np.where(width > 0, width, 1)[..., None], 0.5)
        i = np.arange(1, k + 1)
        ks = np.maximum(i / k - u, u - (i - 1) / k).max(-1)
    return {"cv": cv, "spd": spd, "diffp": diffp, "rd": rd, "ks": ks, "skew": skew}


def subgroup_screens(bids: pd.DataFrame, s: Sorted | None = None, *, sizes=(3, 4),
                     max_subsets: int = 60, seed: int = 0, block: int = 20000) -> pd.DataFrame:
    """One row per tender; columns ``sub{k}_{screen}_{stat}`` (NaN when n < k)."""
    s = s or sort_bids(bids)
    cols = [f"sub{k}_{sc}_{st}" for k in sizes for sc in SUB_SCREENS for st in STATS]
    out = np.full((len(s.n), len(cols)), np.nan)
    for n in np.unique(s.n):
        if n < min(sizes):
            continue
        tids = np.flatnonzero(s.n == n)
        for b0 in range(0, len(tids), block):
            t = tids[b0:b0 + block]
            X = s.x[s.start[t][:, None] + np.arange(n)]
            c0 = 0
            for k in sizes:
                width = len(SUB_SCREENS) * len(STATS)
                if n >= k:
                    cmb = _combos(int(n), k, max_subsets, seed)
                    res = _block_screens(X[:, cmb])
                    j = c0
                    for sc in SUB_SCREENS:
                        v = res[sc]
                        out[t, j] = np.nanmean(v, 1) if np.isnan(v).any() else v.mean(1)
                        out[t, j + 1] = np.median(v, 1)
                        out[t, j + 2] = v.min(1)
                        out[t, j + 3] = v.max(1)
                        j += 4
                c0 += width
    return pd.DataFrame(out, index=s.tenders, columns=cols)
