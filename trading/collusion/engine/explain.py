"""Flags with plain-English sentences.  All wording lives in ``TEMPLATES`` (str.format
templates keyed by flag kind) so the Django layer can wrap them in gettext."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import risk as R
from .signals import signal_weight

DOMINANCE_WEIGHT = 0.6

TEMPLATES = {
    "low_cv": ("Bids in tender {tender} are unusually close together: the coefficient of "
               "variation is {cv:.1%}, lower than {pct:.0%} of comparable tenders in this market."),
    "low_spread": ("In tender {tender} the highest bid is only {spd:.1%} above the lowest, a "
                   "narrower spread than in {pct:.0%} of comparable tenders."),
    "high_rd": ("In tender {tender} the winning bid stands apart from tightly packed losing bids "
                "(relative distance {rd:.2f}, higher than {pct:.0%} of comparable tenders)."),
    "subgroup": ("Tender {tender} contains a subgroup of {k} bids that are almost identical "
                 "(coefficient of variation {cv:.2%}), which may indicate part of the bidders coordinated."),
    "identical": "In tender {tender}, {count:.0f} bids from different firms have exactly the same price.",
    "step_arith": ("The bids in tender {tender} climb in equal steps (the gaps between consecutive "
                   "bids vary by only {cv:.2%})."),
    "step_geom": ("The bids in tender {tender} climb by a fixed percentage (the ratios between "
                  "consecutive bids vary by only {cv:.2%})."),
    "reserve_round": ("In tender {tender}, {count:.0f} bids sit at an exact round percentage of the "
                      "reserve price."),
    "cluster_above": ("In tender {tender}, {share:.0%} of the losing bids lie within {tol:.0%} above "
                      "the lowest bid."),
    "group": ("Firms {members} form a group that met in {shared} tenders; they bid together "
              "{exclusivity:.0%} of the time, and wins inside the group are {rotation_word} "
              "(rotation {rotation:.2f}); members that never won: {covers}."),
    "shared_identity_tender": ("In tender {tender}, bidders {bidders} used the same {signal} "
                               "({value})."),
    "shared_identity_market": ("Bidders {bidders} used the same {signal} ({value}) in {n_tenders} tenders."),
    "buyer_dominance": ("Firm {bidder} won {wins} of the {tenders} tenders of buyer {buyer} ({share:.0%})."),
    "lowest_disqualified": "In tender {tender} the lowest bid (by {bidders}) was disqualified.",
    "all_but_winner_disqualified": ("In tender {tender} every bid except the winner's was "
                                    "disqualified ({bidders})."),
    "split_threshold": ("Buyer {buyer} put out {count} tenders just under the threshold between "
                        "{first} and {last}, worth {total:,.0f} together."),
}


@dataclass
class Flag:
    kind: str
    score: float                       # severity in [0, 1]
    tenders: list = field(default_factory=list)
    bidders: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    sentence: str = ""


def _flag(_kind, _score, _tenders=(), _bidders=(), **figures) -> Flag:
    """Figures may themselves be called ``tenders``/``bidders`` (the template's words)."""
    return Flag(_kind, float(_score), list(_tenders), list(_bidders), figures,
                TEMPLATES[_kind].format(**figures))


def _names(xs, limit=8) -> str:
    xs = [str(x) for x in xs]
    return ", ".join(xs[:limit]) + (f" and {len(xs) - limit} more" if len(xs) > limit else "")


def _screen_severity(pct) -> float:
    """A screen flag weighs what its tail says alone (risk.screen_evidence): never red."""
    return float(R.screen_evidence(1.0 - pct))


def tender_flags(row: pd.Series, tender, *, pct_min: float = 0.9, step_tol: float = R.STEP_TOL,
                 cluster_tol: float = 0.03) -> list[Flag]:
    """Flags for one row of ``MarketIndex.table``.  Severity is the evidence the flag
    adds to the tender's risk on its own."""
    out = []
    g = row.get
    w = R.PATTERN_WEIGHTS
    if g("p_cv", np.nan) >= pct_min:
        out.append(_flag("low_cv", _screen_severity(g("p_cv")), [tender], tender=tender, cv=g("cv"), pct=g("p_cv")))
    if g("p_spd", np.nan) >= pct_min:
        out.append(_flag("low_spread", _screen_severity(g("p_spd")), [tender], tender=tender, spd=g("spd"),
                         pct=g("p_spd")))
    if g("p_rd", np.nan) >= pct_min:
        out.append(_flag("high_rd", _screen_severity(g("p_rd")), [tender], tender=tender, rd=g("rd"), pct=g("p_rd")))
    for k in (4, 3):
        if g(f"p_sub{k}_cv_mean", np.nan) >= pct_min and g(f"sub{k}_cv_min", np.nan) < 0.01:
            out.append(_flag("subgroup", _screen_severity(g(f"p_sub{k}_cv_mean")), [tender], tender=tender, k=k,
                             cv=g(f"sub{k}_cv_min")))
            break
    if g("identical", 0) >= 2:
        out.append(_flag("identical", w["identical"], [tender], tender=tender, count=g("identical")))
    steps = g("n_bids", 0) >= R.STEP_MIN_BIDS
    if steps and g("step_cv_arith", np.inf) < step_tol:
        out.append(_flag("step_arith", w["step_arith"], [tender], tender=tender, cv=g("step_cv_arith")))
    if steps and g("step_cv_geom", np.inf) < step_tol:
        out.append(_flag("step_geom", w["step_geom"], [tender], tender=tender, cv=g("step_cv_geom")))
    if g("reserve_round", 0) >= 2:
        out.append(_flag("reserve_round", w["reserve_round"], [tender], tender=tender, count=g("reserve_round")))
    if g("cluster_above", 0) >= 1.0 and g("n_bids", 0) >= 3:
        out.append(_flag("cluster_above", 0.3, [tender], tender=tender, share=g("cluster_above"),
                         tol=cluster_tol))
    return out


def group_flags(groups: pd.DataFrame, min_score: float = 0.5) -> list[Flag]:
    out = []
    for _, r in groups[groups["score"] >= min_score].iterrows():
        word = "evenly shared" if r["rotation"] >= 0.7 else "concentrated"
        out.append(_flag("group", r["score"], [], r["members"], members=_names(r["members"]),
                         shared=int(r["shared_tenders"]), exclusivity=r["exclusivity"],
                         rotation=r["rotation"], rotation_word=word,
                         covers=_names(r["cover_bidders"]) or "none"))
    return out


def signal_flags(identities: pd.DataFrame) -> list[Flag]:
    out = []
    for _, r in identities.iterrows():
        weight = signal_weight(r["signal"], r["scope"])
        if weight <= 0:   # e.g. a common name across the market: not evidence
            continue
        if r["scope"] == "tender":
            out.append(_flag("shared_identity_tender", weight, r["tenders"], r["bidders"],
                             tender=r["tenders"][0], bidders=_names(r["bidders"]),
                             signal=r["signal"].replace("_", " "), value=r["value"]))
        else:
            out.append(_flag("shared_identity_market", weight, r["tenders"], r["bidders"],
                             bidders=_names(r["bidders"]), signal=r["signal"].replace("_", " "),
                             value=r["value"], n_tenders=len(r["tenders"])))
    return out


def red_flags(dominance: pd.DataFrame, disq: pd.DataFrame, splits: pd.DataFrame) -> list[Flag]:
    out = []
    for _, r in dominance.iterrows():
        # a specialised supplier can win most of one buyer's tenders honestly: a lead, not red
        out.append(_flag("buyer_dominance", DOMINANCE_WEIGHT * r["share"], r["tender_ids"], [r["bidder_id"]],
                         bidder=r["bidder_id"], wins=int(r["wins"]), tenders=int(r["tenders"]),
                         buyer=r["buyer_id"], share=r["share"]))
    for _, r in disq.iterrows():
        out.append(_flag(r["kind"], 0.6, [r["tender_id"]], r["bidders"], tender=r["tender_id"],
                         bidders=_names(r["bidders"])))
    for _, r in splits.iterrows():
        out.append(_flag("split_threshold", 0.6, r["tenders"], [], buyer=r["buyer_id"],
                         count=len(r["tenders"]), first=str(r["first_date"])[:10],
                         last=str(r["last_date"])[:10], total=r["total_value"]))
    return out


def market_flags(index, bids: pd.DataFrame | None = None, *, top: int = 50,
                 split_threshold: float | None = None) -> list[Flag]:
    """Flags for the ``top`` riskiest tenders, suspicious groups, shared identities and
    (when ``bids`` has buyer/disqualification data) entity-side red flags."""
    from .signals import buyer_dominance, disqualification_flags, split_below_threshold
    t = index.table.sort_values("risk", ascending=False).head(top)
    out = [f for tid, row in t.iterrows() for f in tender_flags(row, tid)]
    out += group_flags(index.groups) + signal_flags(index.identities)
    if bids is not None:
        splits = (split_below_threshold(bids, split_threshold) if split_threshold
                  else pd.DataFrame(columns=["buyer_id", "tenders", "first_date", "last_date", "total_value"]))
        out += red_flags(buyer_dominance(bids), disqualification_flags(bids), splits)
    return sorted(out, key=lambda f: -f.score)
