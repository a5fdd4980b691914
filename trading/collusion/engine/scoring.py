"""Top-level API used by the management commands: score tenders and bidders."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import risk as R
from .market import MarketIndex
from .model import Model
from .transfer import CrossMarketModel


def index_for(bids: pd.DataFrame, model=None, index: MarketIndex | None = None) -> MarketIndex:
    """The market index ``score`` needs: a cross-market model weighs the screen line."""
    weights = model.weights if isinstance(model, CrossMarketModel) else None
    if index is not None and index.weights == weights:
        return index
    return MarketIndex.build(bids, weights=weights)


def score(bids: pd.DataFrame, model: Model | CrossMarketModel | None = None, *,
          index: MarketIndex | None = None, bands=R.BANDS) -> pd.DataFrame:
    """``tender_id, risk, band`` for every tender of ``bids`` (labels, if any, are ignored).
    Without ``model`` the unsupervised risk; with a cross-market model (the builtin one)
    the same calibrated risk with the model's screen weights; with an in-market
    ``Model`` (``train``), that model's probability."""
    bids = bids.drop(columns=["collusive"], errors="ignore")
    index = index_for(bids, model, index)
    t = index.table
    risk = model.predict(t) if isinstance(model, Model) else t["risk"].to_numpy()
    out = pd.DataFrame({"tender_id": t.index.to_numpy(), "risk": np.clip(risk, 0, 1)})
    out["band"] = R.band(out["risk"], bands)
    return out


def score_bidders(bids: pd.DataFrame, tender_scores: pd.DataFrame | None = None, *,
                  index: MarketIndex | None = None) -> pd.DataFrame:
    """``bidder_id, risk, group``: a bidder's risk is the larger of its group's score and
    the mean of its three riskiest tenders (damped when it bid fewer than three times)."""
    bids = bids.drop(columns=["collusive"], errors="ignore")
    index = index or MarketIndex.build(bids)
    if tender_scores is None:
        tender_scores = score(bids, index=index)
    b = bids[["tender_id", "bidder_id"]].dropna().drop_duplicates()
    b = b.merge(tender_scores[["tender_id", "risk"]], on="tender_id", how="left")
    top = (b.sort_values("risk", ascending=False).groupby("bidder_id")["risk"]
           .apply(lambda s: s.iloc[:3].sum() / 3.0))
    out = pd.DataFrame({"bidder_id": top.index, "tender_risk": top.to_numpy()})
    gid = out["bidder_id"].map(index.member_of)
    gscore = gid.map(index.groups.set_index("group")["score"]) if len(index.groups) else np.nan
    out["group"] = gid.astype("Int64")
    out["risk"] = np.maximum(out["tender_risk"], pd.Series(gscore).fillna(0.0).to_numpy())
    return (out[["bidder_id", "risk", "group"]]
            .sort_values("risk", ascending=False).reset_index(drop=True))


def score_groups(index: MarketIndex) -> pd.DataFrame:
    """The group table (one row per co-bidding community) with ``risk`` = group score."""
    g = index.groups.copy()
    g["risk"] = g["score"]
    return g
