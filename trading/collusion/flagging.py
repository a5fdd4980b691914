"""All flags of a market.  Uses the engine's ``market_flags``; when one of its flag
builders fails (the engine's signal and red-flag builders once passed the figures
``tenders``/``bidders`` twice), the same flags are built here from the engine's
findings and TEMPLATES, so a report never fails on one kind of flag."""
from __future__ import annotations

import pandas as pd

from trading.collusion.engine import explain as X
from trading.collusion.engine.signals import buyer_dominance, disqualification_flags, split_below_threshold


def _flag(kind, score, on_tenders, on_bidders, **figures) -> X.Flag:
    tenders, bidders = on_tenders, on_bidders
    return X.Flag(kind, float(score), list(tenders), list(bidders), figures, X.TEMPLATES[kind].format(**figures))


def _signal_flags(identities: pd.DataFrame) -> list:
    out = []
    for _, r in identities.iterrows():
        signal = r["signal"].replace("_", " ")
        if r["scope"] == "tender":
            out.append(_flag("shared_identity_tender", 0.9, r["tenders"], r["bidders"], tender=r["tenders"][0],
                             bidders=X._names(r["bidders"]), signal=signal, value=r["value"]))
        else:
            out.append(_flag("shared_identity_market", 0.5, r["tenders"], r["bidders"],
                             bidders=X._names(r["bidders"]), signal=signal, value=r["value"],
                             n_tenders=len(r["tenders"])))
    return out


def _red_flags(dominance, disq, splits) -> list:
    out = []
    for _, r in dominance.iterrows():
        out.append(_flag("buyer_dominance", r["share"], r["tender_ids"], [r["bidder_id"]], bidder=r["bidder_id"],
                         wins=int(r["wins"]), tenders=int(r["tenders"]), buyer=r["buyer_id"], share=r["share"]))
    for _, r in disq.iterrows():
        out.append(_flag(r["kind"], 0.6, [r["tender_id"]], r["bidders"], tender=r["tender_id"],
                         bidders=X._names(r["bidders"])))
    for _, r in splits.iterrows():
        out.append(_flag("split_threshold", 0.6, r["tenders"], [], buyer=r["buyer_id"], count=len(r["tenders"]),
                         first=str(r["first_date"])[:10], last=str(r["last_date"])[:10], total=r["total_value"]))
    return out


def _safely(build, fallback):
    try:
        return build()
    except TypeError:
        return fallback()


def market_flags(index, bids: pd.DataFrame, *, top: int, split_threshold: float | None) -> list:
    t = index.table.sort_values("risk", ascending=False).head(top)
    out = [f for tid, row in t.iterrows() for f in X.tender_flags(row, tid)]
    out += X.group_flags(index.groups)
    out += _safely(lambda: X.signal_flags(index.identities), lambda: _signal_flags(index.identities))
    splits = (split_below_threshold(bids, split_threshold) if split_threshold
              else pd.DataFrame(columns=["buyer_id", "tenders", "first_date", "last_date", "total_value"]))
    findings = (buyer_dominance(bids), disqualification_flags(bids), splits)
    out += _safely(lambda: X.red_flags(*findings), lambda: _red_flags(*findings))
    return sorted(out, key=lambda f: -f.score)
