"""MarketIndex: everything learnt from a market's bids once (reference distributions,
co-bidding groups, shared identities), used to score the whole market or one new tender."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import graph as G
from . import risk as R
from .features import tender_features
from .signals import shared_identities, tender_signal_evidence

GROUP_WEIGHT = 0.7   # a perfect group alone: yellow; with any other evidence: red
GROUP_FLOOR = 0.5    # below this (the group flag line) a community is ordinary market structure
GROUP_FULL = 0.9     # a group scoring this or more counts with its full weight


def group_evidence(grp_score) -> np.ndarray:
    g = np.asarray(grp_score, float)
    return GROUP_WEIGHT * np.clip((g - GROUP_FLOOR) / (GROUP_FULL - GROUP_FLOOR), 0, 1)


@dataclass
class MarketIndex:
    reference: R.Reference
    groups: pd.DataFrame
    member_of: dict
    identities: pd.DataFrame
    table: pd.DataFrame = field(repr=False)   # per-tender features, percentiles, risk
    max_subsets: int = 60
    seed: int = 0
    weights: dict | None = None               # screen-line weights of a cross-market model
    line_weights: dict | None = None          # the weights used: ``weights`` x this market's agreement
    rarity: dict = field(default_factory=dict)  # "pattern" -> share of this market's tenders with one

    @classmethod
    def build(cls, bids: pd.DataFrame, *, max_subsets: int = 60, seed: int = 0,
              min_cobids: int = 2, max_tender_size: int = 50, graph: bool = True,
              weights: dict | None = None) -> "MarketIndex":
        """``weights``: the screen-line weights of a cross-market model
        (``transfer.CrossMarketModel.weights``); None = equal weights (unsupervised)."""
        feats = tender_features(bids, max_subsets=max_subsets, seed=seed)
        ref = R.Reference.build(feats)
        # adapt the screen line to this market, without labels: components that do not
        # move with the others here weigh less (risk.agreement_weights)
        pct = R.suspicion_percentiles(feats, ref)
        line = R.agreement_weights(pct, weights)
        # how suspicious the screens of a tender are, against this market's tenders
        ref.add("screen_risk", R.screen_risk(pct, line), R.comparable_n(feats))
        if graph:
            groups, member_of, _ = G.find_groups(bids, min_cobids=min_cobids,
                                                 max_tender_size=max_tender_size, seed=seed)
        else:
            groups, member_of = G.group_stats(bids, G.nx.Graph(), {}), {}
        ids = shared_identities(bids)
        idx = cls(ref, groups, member_of, ids, pd.DataFrame(), max_subsets, seed, weights, line)
        idx.table = idx.evaluate(bids, feats, rarity_from_market=True)
        return idx

    def evaluate(self, bids: pd.DataFrame, feats: pd.DataFrame | None = None,
                 identities: pd.DataFrame | None = None, rarity_from_market: bool = False) -> pd.DataFrame:
        """Feature table + percentiles + evidence + risk for the tenders in ``bids``
        (``identities``: the findings to use instead of the stored market's;
        ``rarity_from_market``: ``bids`` is the whole market, learn how often each yes/no
        line fires from it, else use the stored shares)."""
        if feats is None:
            feats = tender_features(bids, max_subsets=self.max_subsets, seed=self.seed)
        pct = R.suspicion_percentiles(feats, self.reference)
        pat = R.pattern_evidence(feats)
        grp = G.tender_group_features(bids, self.member_of, self.groups).reindex(feats.index)
        sig = tender_signal_evidence(self.identities if identities is None else identities, feats.index, bids)
        line = self.line_weights if self.line_weights is not None else self.weights
        sr = R.screen_risk(pct, line)
        t = pd.concat([feats, pct], axis=1)
        t["pattern_evidence"] = pat
        t["grp_members"] = grp["grp_members"].fillna(0.0)
        t["grp_score"] = grp["grp_score"].fillna(0.0)
        t["grp_id"] = grp["grp_id"].fillna(-1).astype(int)
        t["signal_evidence"] = sig
        t["screen_risk"] = sr
        t["screen_p"] = R.screen_tail(self.reference, sr.to_numpy(), R.comparable_n(feats))
        t["screen_coverage"] = R.coverage(pct, line)
        t["screen_evidence"] = R.screen_evidence(t["screen_p"]) * np.sqrt(t["screen_coverage"])
        t["group_evidence"] = group_evidence(t["grp_score"])
        if rarity_from_market:
            self.rarity = {"pattern": float((pat > 0).mean()) if len(t) else 0.0}
        t["pattern_evidence"] = pat * R.rarity(self.rarity.get("pattern", 0.0))
        t["risk"] = R.combine(t["screen_evidence"], t["pattern_evidence"], t["group_evidence"], sig)
        return t


def market_table(bids: pd.DataFrame, **kw) -> pd.DataFrame:
    return MarketIndex.build(bids, **kw).table


def score_tender(index: MarketIndex, tender_bids: pd.DataFrame) -> pd.Series:
    """Score one (or a few) new tenders against a stored market: returns the row(s) of the
    evaluated table (``risk``, ``screen_risk``, percentiles, evidence).  Uses the stored
    reference and groups; identifiers shared inside the new tender count, and so do
    two of its bidders known to share one elsewhere in the market."""
    local = shared_identities(tender_bids)
    ids = pd.concat([index.identities, local[local["scope"] == "tender"]], ignore_index=True)
    return index.evaluate(tender_bids, identities=ids)
