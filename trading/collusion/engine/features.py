"""Assemble the per-tender feature table from bids alone (no ids, dates or labels)."""
from __future__ import annotations

import pandas as pd

from ._groups import sort_bids
from .patterns import patterns
from .screens import screens
from .shape import shape
from .subgroups import subgroup_screens


def tender_features(bids: pd.DataFrame, *, subgroups: bool = True, max_subsets: int = 60,
                    seed: int = 0) -> pd.DataFrame:
    """Screens + subgroup screens + price patterns + bid shape, one row per tender."""
    s = sort_bids(bids)
    parts = [screens(bids, s), patterns(bids, s), shape(bids, s)]
    if subgroups:
        parts.append(subgroup_screens(bids, s, max_subsets=max_subsets, seed=seed))
    return pd.concat(parts, axis=1)


def tender_labels(bids: pd.DataFrame) -> pd.Series:
    """Tender is collusive when any of its bids is."""
    return bids.groupby("tender_id", sort=False)["collusive"].max().astype(int)
