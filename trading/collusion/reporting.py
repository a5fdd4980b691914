"""Run the engine on the database and shape its output into rows for a report.
Pure reads; services.run_report stores the result."""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from trading.bids.models import Bid
from trading.collusion import engine as E
from trading.collusion.engine import graph as G
from trading.collusion.engine.explain import Flag

from .adapters import DatabaseBids, jsonable, losing_bidder_subcontracts
from .conf import band_of, bands, setting
from .sentences import APP_TEMPLATES

SCREENS = ("cv", "spd", "diffp", "rd", "skew", "kurt", "ks")
KEPT = SCREENS + (
    "n_bids", "res_min", "res_mean", "step_cv_arith", "step_cv_geom", "reserve_round", "identical",
    "cluster_above", "sub3_cv_mean", "sub3_cv_min", "sub4_cv_mean", "sub4_cv_min",
    "p_cv", "p_spd", "p_rd", "p_sub3_cv_mean", "p_sub4_cv_mean",
    "pattern_evidence", "grp_members", "grp_score", "signal_evidence", "screen_risk",
    "screen_p", "screen_evidence", "group_evidence",
)
TIMELINE_LIMIT = 300
# without a stored report, a tender at its opening is scored against an index built on the
# spot only up to this many bids (about 2 s of engine time)
OPENING_INDEX_MAX_BIDS = 100_000
# firms linked through shared identities form a group of their own up to this size;
# larger components are shared infrastructure (an agency's network, a print shop)
IDENTITY_GROUP_MAX = 8
IDENTITY_STRENGTH = {"tender": 0.9, "market": 0.5}
# a person's name is not an identity (common names collide): the engine still flags a
# project manager shared inside a tender, but names do not join firms into a group
NAMES_NOT_IDENTITIES = {"project_manager", "doc_author"}


# A subcontract from the winner to a firm that bid against it in the same tender is how cover bidders are paid
# (issue 11, post-award checks): red on its own, like a shared account in one tender is near it.
SUBCONTRACT_SEVERITY = 0.85


def subcontract_flags(source: DatabaseBids) -> list:
    """Flags for the subcontracts the contracts room recorded to a losing bidder of the same tender, in the
    engine's terms (tender references and bidder labels of this analysis): read beside the engine, which stays
    free of Django."""
    reference_of = {tender_id: reference for reference, tender_id in source.tender_of.items()}
    out = []
    for tender_id, winner_id, subcontractor_id in losing_bidder_subcontracts(source.tender_ids):
        reference = reference_of.get(tender_id)
        winner, subcontractor = source.labels.get(winner_id), source.labels.get(subcontractor_id)
        if reference is None or winner is None or subcontractor is None:
            continue  # a tender or firm whose bids this analysis does not count
        figures = {"tender": reference, "winner": winner, "subcontractor": subcontractor}
        out.append(Flag("losing_bidder_subcontract", SUBCONTRACT_SEVERITY, [reference], [winner, subcontractor],
                        figures, APP_TEMPLATES["losing_bidder_subcontract"].format(**figures)))
    return out


@dataclass
class Analysis:
    source: DatabaseBids
    parameters: dict
    tenders: list = field(default_factory=list)   # dicts for TenderRisk
    groups: list = field(default_factory=list)    # dicts for GroupRisk
    bidders: list = field(default_factory=list)   # dicts for BidderRisk
    flags: list = field(default_factory=list)     # engine Flags
    summary: dict = field(default_factory=dict)
    index: object = None                          # the engine's MarketIndex, kept with the report


def market_percentiles(index: E.MarketIndex) -> pd.DataFrame:
    """Share of comparable tenders (same bid-count bin) with a lower value, per screen.
    The engine keeps directional percentiles for the risk screens only; the tender card
    shows every screen against its market."""
    t = index.table
    out = {}
    for sc in SCREENS:
        if sc in t:
            out[f"m_{sc}"] = index.reference.percentile(sc, t[sc].to_numpy(float), E.risk.comparable_n(t))
    return pd.DataFrame(out, index=t.index)


def _tender_bids(bids: pd.DataFrame) -> dict:
    b = bids.sort_values(["tender_id", "amount"], kind="stable")
    disq = b["disqualified"].to_numpy() == 1 if "disqualified" in b else np.zeros(len(b), bool)
    out = {}
    for tid, bidder, amount, won, dq in zip(b["tender_id"], b["bidder_id"], b["amount"].astype(float),
                                            b["is_winner"].to_numpy() == 1, disq):
        out.setdefault(tid, []).append({"bidder": bidder if isinstance(bidder, str) else None,
                                        "amount": float(amount), "is_winner": bool(won), "disqualified": bool(dq)})
    return out


def cobid_matrix(bids: pd.DataFrame, members: list) -> list:
    b = bids[bids["bidder_id"].isin(members)][["tender_id", "bidder_id"]].drop_duplicates()
    inc = pd.crosstab(b["tender_id"], b["bidder_id"]).reindex(columns=members, fill_value=0)
    m = inc.T.to_numpy() @ inc.to_numpy()
    return m.astype(int).tolist()


def win_timeline(bids: pd.DataFrame, members: list) -> list:
    """Tenders in which at least two members bid, oldest first: who bid, who won."""
    mine = bids[bids["bidder_id"].isin(members)]
    present = mine.groupby("tender_id")["bidder_id"].agg(lambda s: sorted(set(s)))
    present = present[present.map(len) >= 2]
    if present.empty:
        return []
    part = bids[bids["tender_id"].isin(present.index)]
    winners = part[part["is_winner"] == 1].groupby("tender_id")["bidder_id"].first()
    dates = part.groupby("tender_id")["date"].min()
    sizes = part.groupby("tender_id").size()
    rows = [{"tender": tid, "date": jsonable(dates.get(tid)), "winner": jsonable(winners.get(tid)),
             "bidders": who, "n_bids": int(sizes[tid])} for tid, who in present.items()]
    rows.sort(key=lambda r: (r["date"] or "", str(r["tender"])))
    return rows[-TIMELINE_LIMIT:]


def identities_of(identities: pd.DataFrame, members) -> list:
    members = set(members)
    if identities.empty:
        return []
    rows = identities[identities["bidders"].map(lambda b: len(members & set(b)) >= 2)]
    seen, out = set(), []
    for r in rows.itertuples(index=False):
        key = (r.signal, str(r.value))
        if key not in seen:
            seen.add(key)
            out.append({"signal": r.signal, "value": str(r.value), "scope": r.scope,
                        "bidders": sorted(members & set(r.bidders)), "tenders": len(r.tenders)})
    return out


def identity_groups(bids: pd.DataFrame, index: E.MarketIndex, first_number: int) -> pd.DataFrame:
    """Firms joined by shared submission identities (network address, device, bank
    account, phone, e-mail, project manager), whatever community the co-bidding graph
    put them in.  The engine's group statistics, with a risk that also counts the
    identity: deemed collusion when two bidders of one tender share it."""
    ids = index.identities
    if ids.empty:
        return pd.DataFrame()
    link = nx.Graph()
    strong = ids[~ids["signal"].isin(NAMES_NOT_IDENTITIES)]
    for bidders in strong["bidders"]:
        link.add_edges_from(zip(bidders, bidders[1:]))
    known = {frozenset(m) for m in index.groups["members"]} if len(index.groups) else set()
    comps = [sorted(c) for c in nx.connected_components(link)
             if 2 <= len(c) <= IDENTITY_GROUP_MAX and frozenset(c) not in known]
    if not comps:
        return pd.DataFrame()
    member_of = {m: first_number + i for i, comp in enumerate(comps) for m in comp}
    cobids = G.build_graph(G.cobid_counts(bids), 1)
    stats = G.group_stats(bids, cobids, member_of)
    strength = []
    for members in stats["members"]:
        scopes = {f["scope"] for f in identities_of(strong, members)}
        strength.append(max((IDENTITY_STRENGTH[s] for s in scopes), default=0.0))
    stats["identity"] = strength
    stats["risk"] = 1 - (1 - stats["score"].astype(float)) * (1 - stats["identity"])
    return stats


def _group_row(g, bids, identities, kind) -> dict:
    members = list(g.members)
    return {
        "number": int(g.group), "kind": kind, "risk": float(g.risk), "band": band_of(float(g.risk)),
        "members": members,
        "figures": jsonable({"size": g.size, "cohesion": g.cohesion, "exclusivity": g.exclusivity,
                             "shared_tenders": g.shared_tenders, "winner_share": g.winner_share,
                             "rotation": g.rotation, "cover_bidders": list(g.cover_bidders),
                             "shared_identities": identities_of(identities, members)}),
        "cobids": cobid_matrix(bids, members), "timeline": win_timeline(bids, members),
    }


def report_model() -> E.CrossMarketModel | None:
    """The cross-market model of the stored report (setting COLLUSION_MODEL)."""
    name = setting("COLLUSION_MODEL")
    if not name:
        return None
    return E.load_builtin() if name == "builtin" else E.CrossMarketModel.load(name)


def model_parameters(model) -> dict:
    if model is None:
        return {"model": "unsupervised"}
    return {"model": str(setting("COLLUSION_MODEL")), "model_weights": model.weights, "model_lam": model.lam,
            "model_markets": [t["market"] for t in model.training if t["used"]]}


def analyse(source: DatabaseBids | None = None) -> Analysis:
    source = source or DatabaseBids()
    bids = source.frame
    model = report_model()
    params = {"bands": list(bands()), "flag_top_tenders": setting("COLLUSION_FLAG_TOP_TENDERS"),
              "max_groups": setting("COLLUSION_MAX_GROUPS"), "split_threshold": setting("COLLUSION_SPLIT_THRESHOLD"),
              **model_parameters(model)}
    result = Analysis(source, params)
    if bids.empty:
        result.summary = {"bids": 0, "tenders": 0, "bidders": 0, "groups": 0, "flags": 0, "red": 0, "yellow": 0}
        return result
    index = E.index_for(bids, model)
    result.index = index
    scores = E.score(bids, model, index=index, bands=bands()).set_index("tender_id")
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
    groups = E.score_groups(index)
    first = int(groups["group"].max()) + 1 if len(groups) else 0
    linked = identity_groups(bids, index, first)
    rows = [_group_row(g, bids, index.identities, "cobidding") for g in groups.itertuples(index=False)]
    rows += [_group_row(g, bids, index.identities, "identity") for g in linked.itertuples(index=False)]
    rows.sort(key=lambda r: -r["risk"])
    result.groups = rows[: int(setting("COLLUSION_MAX_GROUPS"))]
    identity_number = {m: int(g.group) for g in linked.itertuples(index=False) for m in g.members}
    bidder_scores = E.score_bidders(bids, scores.reset_index(), index=index)
    for b in bidder_scores.itertuples(index=False):
        number = identity_number.get(b.bidder_id) if pd.isna(b.group) else int(b.group)
        result.bidders.append({"label": str(b.bidder_id), "risk": float(b.risk), "band": band_of(float(b.risk)),
                               "group_number": number})
    split = setting("COLLUSION_SPLIT_THRESHOLD")
    result.flags = E.market_flags(index, bids, top=int(setting("COLLUSION_FLAG_TOP_TENDERS")),
                                  split_threshold=float(split) if split else None)
    result.flags = sorted(result.flags + subcontract_flags(source), key=lambda f: -f.score)
    bands_count = pd.Series([t["band"] for t in result.tenders]).value_counts()
    result.summary = {
        "bids": int(len(bids)), "tenders": len(result.tenders), "bidders": int(bids["bidder_id"].nunique()),
        "groups": len(result.groups), "flags": len(result.flags),
        "red": int(bands_count.get("red", 0)), "yellow": int(bands_count.get("yellow", 0)),
        "mean_risk": float(np.mean([t["risk"] for t in result.tenders])),
    }
    return result


def assess_tender(source: DatabaseBids, report=None, index: E.MarketIndex | None = None) -> dict | None:
    """One tender (the bids of ``source``) against a stored market index, or against the
    whole market when none is stored: the fields of an OpeningRisk."""
    bids = source.frame
    if bids.empty:
        return None
    if index is None:
        # no stored report yet: build the market's index now, if that is quick (a small
        # platform); a large one waits for its first report rather than stall the opening
        if Bid.objects.filter(price__isnull=False).count() > OPENING_INDEX_MAX_BIDS:
            return None
        market = DatabaseBids().frame
        index = E.index_for(market, report_model())
        report = None
    row = E.score_tender(index, bids)
    tid = row.index[0]
    r = row.iloc[0]
    risk = float(r["risk"])
    local = E.shared_identities(bids)
    flags = E.tender_flags(r, tid) + E.signal_flags(local[local["scope"] == "tender"])
    flags += E.red_flags(pd.DataFrame(columns=["buyer_id", "share", "tender_ids", "bidder_id", "wins", "tenders"]),
                         E.disqualification_flags(bids), pd.DataFrame())
    flags = sorted(flags, key=lambda f: -f.score)
    features = jsonable({k: r[k] for k in KEPT if k in r})
    return {"report": report, "risk": risk, "band": band_of(risk), "features": features,
            "bids": _tender_bids(bids).get(tid, []),
            "flags": [{"kind": f.kind, "severity": float(f.score), "band": band_of(float(f.score)),
                       "sentence": f.sentence, "figures": jsonable(f.figures), "bidders": jsonable(f.bidders)}
                      for f in flags]}
