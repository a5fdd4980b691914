"""Run the engine on the database and shape its output into rows for a report.
Pure reads; services.run_report stores the result."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trading.collusion import engine as E

from .adapters import DatabaseBids, jsonable
from .conf import band_of, bands, setting
from .flagging import market_flags

SCREENS = ("cv", "spd", "diffp", "rd", "skew", "kurt", "ks")
KEPT = SCREENS + (
    "n_bids", "res_min", "res_mean", "step_cv_arith", "step_cv_geom", "reserve_round", "identical",
    "cluster_above", "sub3_cv_mean", "sub3_cv_min", "sub4_cv_mean", "sub4_cv_min",
    "p_cv", "p_spd", "p_rd", "p_sub3_cv_mean", "p_sub4_cv_mean",
    "pattern_evidence", "grp_members", "grp_score", "signal_evidence", "screen_risk",
)
TIMELINE_LIMIT = 300


@dataclass
class Analysis:
    source: DatabaseBids
    parameters: dict
    tenders: list = field(default_factory=list)   # dicts for TenderRisk
    groups: list = field(default_factory=list)    # dicts for GroupRisk
    bidders: list = field(default_factory=list)   # dicts for BidderRisk
    flags: list = field(default_factory=list)     # engine Flags
    summary: dict = field(default_factory=dict)


def market_percentiles(index: E.MarketIndex) -> pd.DataFrame:
    """Share of comparable tenders (same bid-count bin) with a lower value, per screen.
    The engine keeps directional percentiles for the risk screens only; the tender card
    shows every screen against its market."""
    t = index.table
    out = {}
    for sc in SCREENS:
        if sc in t:
            out[f"m_{sc}"] = index.reference.percentile(sc, t[sc].to_numpy(float), t["n_bids"].to_numpy())
    return pd.DataFrame(out, index=t.index)


def _tender_bids(bids: pd.DataFrame) -> dict:
    cols = ["tender_id", "bidder_id", "amount", "is_winner"] + (["disqualified"] if "disqualified" in bids else [])
    b = bids[cols].sort_values(["tender_id", "amount"])
    out = {}
    for tid, part in b.groupby("tender_id", sort=False):
        out[tid] = [jsonable({"bidder": r.bidder_id, "amount": r.amount, "is_winner": r.is_winner == 1,
                              "disqualified": getattr(r, "disqualified", 0) == 1})
                    for r in part.itertuples(index=False)]
    return out


def cobid_matrix(bids: pd.DataFrame, members: list) -> list:
    b = bids[bids["bidder_id"].isin(members)][["tender_id", "bidder_id"]].drop_duplicates()
    inc = pd.crosstab(b["tender_id"], b["bidder_id"]).reindex(columns=members, fill_value=0)
    m = inc.T.to_numpy() @ inc.to_numpy()
    return m.astype(int).tolist()


def win_timeline(bids: pd.DataFrame, members: list) -> list:
    """Tenders in which at least two members bid, oldest first: who bid, who won."""
    mine = bids[bids["bidder_id"].isin(members)]
    count = mine.groupby("tender_id")["bidder_id"].nunique()
    shared = count[count >= 2].index
    part = bids[bids["tender_id"].isin(shared)]
    rows = []
    for tid, t in part.groupby("tender_id", sort=False):
        winners = t.loc[t["is_winner"] == 1, "bidder_id"].dropna().tolist()
        date = t["date"].min()
        rows.append({"tender": tid, "date": jsonable(date), "winner": winners[0] if winners else None,
                     "bidders": sorted(set(t["bidder_id"].dropna()) & set(members)), "n_bids": int(len(t))})
    rows.sort(key=lambda r: (r["date"] or "", str(r["tender"])))
    return rows[-TIMELINE_LIMIT:]


def analyse(source: DatabaseBids | None = None) -> Analysis:
    source = source or DatabaseBids()
    bids = source.frame
    params = {"bands": list(bands()), "flag_top_tenders": setting("COLLUSION_FLAG_TOP_TENDERS"),
              "max_groups": setting("COLLUSION_MAX_GROUPS"), "split_threshold": setting("COLLUSION_SPLIT_THRESHOLD")}
    result = Analysis(source, params)
    if bids.empty:
        result.summary = {"bids": 0, "tenders": 0, "bidders": 0, "groups": 0, "flags": 0, "red": 0, "yellow": 0}
        return result
    index = E.MarketIndex.build(bids)
    scores = E.score(bids, index=index, bands=bands()).set_index("tender_id")
    table = index.table.join(market_percentiles(index))
    per_tender = _tender_bids(bids)
    for tid, row in table.iterrows():
        risk = float(scores.at[tid, "risk"])
        features = jsonable({k: row[k] for k in KEPT + tuple(f"m_{s}" for s in SCREENS) if k in row})
        result.tenders.append({
            "reference": str(tid), "risk": risk, "band": band_of(risk), "screen_risk": float(row["screen_risk"]),
            "n_bids": int(row["n_bids"]), "group_number": int(row["grp_id"]) if row["grp_id"] >= 0 else None,
            "features": features, "bids": per_tender.get(tid, []),
            "bidder_labels": "\n" + "".join(f"{b['bidder']}\n" for b in per_tender.get(tid, []) if b["bidder"]),
        })
    groups = E.score_groups(index).head(int(setting("COLLUSION_MAX_GROUPS")))
    for g in groups.itertuples(index=False):
        members = list(g.members)
        result.groups.append({
            "number": int(g.group), "risk": float(g.risk), "band": band_of(float(g.risk)), "members": members,
            "figures": jsonable({"size": g.size, "cohesion": g.cohesion, "exclusivity": g.exclusivity,
                                 "shared_tenders": g.shared_tenders, "winner_share": g.winner_share,
                                 "rotation": g.rotation, "cover_bidders": list(g.cover_bidders)}),
            "cobids": cobid_matrix(bids, members), "timeline": win_timeline(bids, members),
        })
    bidder_scores = E.score_bidders(bids, scores.reset_index(), index=index)
    for b in bidder_scores.itertuples(index=False):
        result.bidders.append({"label": str(b.bidder_id), "risk": float(b.risk), "band": band_of(float(b.risk)),
                               "group_number": None if pd.isna(b.group) else int(b.group)})
    split = setting("COLLUSION_SPLIT_THRESHOLD")
    result.flags = market_flags(index, bids, top=int(setting("COLLUSION_FLAG_TOP_TENDERS")),
                                  split_threshold=float(split) if split else None)
    bands_count = pd.Series([t["band"] for t in result.tenders]).value_counts()
    result.summary = {
        "bids": int(len(bids)), "tenders": len(result.tenders), "bidders": int(bids["bidder_id"].nunique()),
        "groups": len(result.groups), "flags": len(result.flags),
        "red": int(bands_count.get("red", 0)), "yellow": int(bands_count.get("yellow", 0)),
        "mean_risk": float(np.mean([t["risk"] for t in result.tenders])),
    }
    return result
