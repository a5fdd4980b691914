"""Sunlight collusion engine: pure pandas/numpy/scikit-learn/networkx, no Django.

Typical use::

    from trading.collusion import engine as E
    bids = E.read_bids("bids.csv", {"tender_id": "Tender", "amount": "Bid_value"})
    index = E.MarketIndex.build(bids)          # screens, groups, identities, risk
    scores = E.score(bids, index=index)        # tender_id, risk, band
    bidders = E.score_bidders(bids, index=index)
    flags = E.market_flags(index, bids)        # list[Flag] with sentences
    model = E.train(labelled_bids); model.save("m.pkl")
    scores = E.score(bids, E.Model.load("m.pkl"), index=index)
    one = E.score_tender(index, new_tender_bids)
    builtin = E.load_builtin()                 # cross-market model shipped in the repository
    scores = E.score(bids, builtin)            # a market it has never seen, no labels
"""
from .explain import TEMPLATES, Flag, group_flags, market_flags, red_flags, signal_flags, tender_flags
from .features import tender_features, tender_labels
from .graph import cobid_counts, find_groups, group_stats
from .io import BidDataError, coerce_bids, read_bids
from .market import MarketIndex, market_table, score_tender
from .model import Model, train
from .patterns import patterns
from .risk import BANDS, band
from .scoring import index_for, score, score_bidders, score_groups
from .screens import screens
from .signals import buyer_dominance, disqualification_flags, shared_identities, split_below_threshold
from .subgroups import subgroup_screens
from .transfer import CrossMarketModel, load_builtin

__all__ = [n for n in dir() if not n.startswith("_")]
