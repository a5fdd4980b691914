"""Shared helper: bids sorted by (tender, amount) as flat numpy arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Sorted:
    tenders: pd.Index      # tender ids, one per group, in group order
    code: np.ndarray       # group code per sorted bid
    x: np.ndarray          # amounts, sorted within tender
    rank: np.ndarray       # 0-based rank of the bid inside its tender (lowest = 0)
    start: np.ndarray      # first position of each group
    n: np.ndarray          # bids per group
    order: np.ndarray      # positions in the original frame, sorted order

    def gsum(self, v: np.ndarray) -> np.ndarray:
        return np.bincount(self.code, weights=v, minlength=len(self.n))

    def column(self, bids: pd.DataFrame, name: str) -> np.ndarray:
        return bids[name].to_numpy()[self.order]


def sort_bids(bids: pd.DataFrame) -> Sorted:
    codes, uniq = pd.factorize(bids["tender_id"], sort=False)
    x = bids["amount"].to_numpy(dtype=float)
    order = np.lexsort((x, codes))
    code = codes[order]
    n = np.bincount(code, minlength=len(uniq))
    start = np.zeros(len(n), dtype=np.int64)
    np.cumsum(n[:-1], out=start[1:])
    rank = np.arange(len(code)) - start[code]
    return Sorted(pd.Index(uniq, name="tender_id"), code, x[order], rank, start, n, order)
