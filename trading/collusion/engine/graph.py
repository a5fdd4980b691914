"""Co-bidding graph and suspicious groups.

Firms are nodes; an edge joins two firms that bid in the same tender, weighted by the
number of such tenders (co-bids) and by Jaccard = co-bids / tenders-of-either.
Co-bid counts come from a sparse incidence product (no per-tender loop); tenders with
more than ``max_tender_size`` bidders are left out of the graph (they say little about
who knows whom and cost n^2).  Communities: networkx Louvain with a fixed seed.

Per group: size; cohesion (density of the member graph x mean edge Jaccard / 0.2, capped
at 1: 1 = every pair met repeatedly, in at least a fifth of the tenders either entered); exclusivity (share of
members' bids made in tenders where another member also bid); shared tenders (>= 2
members); winner_share (share of shared tenders won by a member); rotation (normalised
entropy of members' wins in shared tenders: 1 = wins spread evenly over all members);
cover bidders (members with >= ``cover_min_bids`` shared bids and no win).
score = min(1, shared/5) * sqrt(cohesion * exclusivity) * (0.5 + 0.5 * max(rotation,
cover share)): a small ring that always meets and shares out the wins scores near 1, a
large regional community of firms that only sometimes meet scores low.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp


JACCARD_FULL = 0.2   # a pair meeting in a fifth of its tenders counts as fully cohesive


@dataclass
class CoBids:
    bidders: pd.Index          # bidder ids (matrix order)
    counts: sp.csr_matrix      # symmetric co-bid counts, zero diagonal
    bids_per_bidder: np.ndarray  # number of tenders each bidder entered (graph tenders)


def _clean(bids: pd.DataFrame, max_tender_size: int) -> pd.DataFrame:
    b = bids[bids["bidder_id"].notna()][["tender_id", "bidder_id"]].drop_duplicates()
    size = b.groupby("tender_id")["bidder_id"].transform("size")
    return b[size <= max_tender_size]


def cobid_counts(bids: pd.DataFrame, max_tender_size: int = 50) -> CoBids:
    b = _clean(bids, max_tender_size)
    ti, tenders = pd.factorize(b["tender_id"])
    bi, bidders = pd.factorize(b["bidder_id"])
    inc = sp.csr_matrix((np.ones(len(b), dtype=np.float32), (ti, bi)),
                        shape=(len(tenders), len(bidders)))
    c = (inc.T @ inc).tocsr()
    per = c.diagonal().astype(np.int64)
    c.setdiag(0)
    c.eliminate_zeros()
    return CoBids(pd.Index(bidders, name="bidder_id"), c, per)


def build_graph(co: CoBids, min_cobids: int = 2, min_jaccard: float = 0.05) -> nx.Graph:
    """Graph of firms that met in at least ``min_cobids`` tenders and in at least
    ``min_jaccard`` of the tenders either entered (drops chance meetings of very active
    firms, which keeps Louvain fast on large markets)."""
    m = sp.triu(co.counts, k=1).tocoo()
    r, c, w = m.row, m.col, m.data.astype(float)
    jac = w / (co.bids_per_bidder[r] + co.bids_per_bidder[c] - w)
    keep = (w >= min_cobids) & (jac >= min_jaccard)
    ids = co.bidders.to_numpy()
    g = nx.Graph()
    g.add_edges_from((a, b, {"weight": x, "jaccard": j}) for a, b, x, j in
                     zip(ids[r[keep]].tolist(), ids[c[keep]].tolist(), w[keep].tolist(), jac[keep].tolist()))
    return g


def communities(g: nx.Graph, seed: int = 0, resolution: float = 1.0, min_size: int = 2) -> dict:
    """bidder_id -> group number (groups of fewer than ``min_size`` firms are dropped)."""
    if g.number_of_edges() == 0:
        return {}
    comms = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms if len(c) >= min_size), key=lambda c: (-len(c), str(c[0])))
    return {m: i for i, c in enumerate(comms) for m in c}


def group_stats(bids: pd.DataFrame, g: nx.Graph, member_of: dict, *,
                cover_min_bids: int = 3) -> pd.DataFrame:
    """One row per group with the metrics described in the module docstring and a
    combined ``score`` in [0, 1]."""
    cols = ["group", "members", "size", "cohesion", "exclusivity", "shared_tenders",
            "winner_share", "rotation", "cover_bidders", "score"]
    if not member_of:
        return pd.DataFrame(columns=cols)
    b = bids[bids["bidder_id"].notna()][["tender_id", "bidder_id", "is_winner"]].copy()
    b["group"] = b["bidder_id"].map(member_of)
    b = b[b["group"].notna()]
    b["group"] = b["group"].astype(int)
    per_tg = b.groupby(["tender_id", "group"])["bidder_id"].transform("nunique")
    b["shared"] = per_tg >= 2
    excl = b.groupby("group")["shared"].mean()
    sh = b[b["shared"]]
    won = sh[sh["is_winner"] == 1]
    n_shared = sh.groupby("group")["tender_id"].nunique()
    n_won = won.groupby("group")["tender_id"].nunique()
    wins = won.groupby(["group", "bidder_id"]).size()
    shared_bids = sh.groupby(["group", "bidder_id"]).size()
    members = pd.Series(member_of).groupby(lambda k: member_of[k]).apply(lambda s: sorted(s.index))
    rows = []
    for gid, mem in members.items():
        k = len(mem)
        sub = g.subgraph(mem)
        pairs = k * (k - 1) / 2
        ne = sub.number_of_edges()
        mj = sum(d["jaccard"] for *_, d in sub.edges(data=True)) / ne if ne else 0.0
        cohesion = float(ne / pairs * min(1.0, mj / JACCARD_FULL)) if pairs else 0.0
        w = wins.get(gid, pd.Series(dtype=float))
        w = w.reindex(mem, fill_value=0).to_numpy(float) if len(w) else np.zeros(k)
        tot = w.sum()
        if tot >= 2 and k > 1 and (w > 0).sum() > 1:
            p = w[w > 0] / tot
            rotation = float((p * np.log(1.0 / p)).sum() / np.log(min(k, tot)))
        else:   # one winner (or none): no rotation, and no -0.0 from the entropy of one
            rotation = 0.0
        sb = shared_bids.get(gid, pd.Series(dtype=float))
        sb = sb.reindex(mem, fill_value=0) if len(sb) else pd.Series(0, index=mem)
        covers = [m for m, wv in zip(mem, w) if wv == 0 and sb[m] >= cover_min_bids]
        ns = int(n_shared.get(gid, 0))
        wshare = float(n_won.get(gid, 0) / ns) if ns else 0.0
        ex = float(excl.get(gid, 0.0))
        pattern = max(rotation, min(1.0, len(covers) / max(1, k - 1)))
        enough = min(1.0, ns / 5.0)
        score = enough * np.sqrt(cohesion * ex) * (0.5 + 0.5 * pattern)
        rows.append([gid, mem, k, cohesion, ex, ns, wshare, rotation, covers, score])
    return pd.DataFrame(rows, columns=cols).sort_values("score", ascending=False).reset_index(drop=True)


def find_groups(bids: pd.DataFrame, *, min_cobids: int = 2, min_jaccard: float = 0.05,
                max_tender_size: int = 50, seed: int = 0, resolution: float = 1.0) -> tuple[pd.DataFrame, dict, nx.Graph]:
    """Convenience: co-bids -> graph -> Louvain -> group table.
    Returns (groups, member_of, graph)."""
    if "bidder_id" not in bids or bids["bidder_id"].isna().all():
        return group_stats(bids, nx.Graph(), {}), {}, nx.Graph()
    co = cobid_counts(bids, max_tender_size)
    g = build_graph(co, min_cobids, min_jaccard)
    member_of = communities(g, seed=seed, resolution=resolution)
    return group_stats(bids, g, member_of), member_of, g


def tender_group_features(bids: pd.DataFrame, member_of: dict, groups: pd.DataFrame) -> pd.DataFrame:
    """Per tender: largest number of members of one group present (``grp_members``) and
    the highest score among groups with >= 2 members present (``grp_score``)."""
    tenders = pd.Index(bids["tender_id"].unique(), name="tender_id")
    out = pd.DataFrame({"grp_members": 0.0, "grp_score": 0.0, "grp_id": -1}, index=tenders)
    if not member_of or groups.empty:
        return out
    b = bids[["tender_id", "bidder_id"]].dropna().drop_duplicates()
    b = b.assign(group=b["bidder_id"].map(member_of)).dropna(subset=["group"])
    cnt = b.groupby(["tender_id", "group"]).size().rename("m").reset_index()
    cnt = cnt[cnt["m"] >= 2]
    cnt["score"] = cnt["group"].map(groups.set_index("group")["score"]).fillna(0.0)
    best = cnt.sort_values(["score", "m"], ascending=False).drop_duplicates("tender_id").set_index("tender_id")
    out.loc[best.index, "grp_members"] = best["m"].astype(float)
    out.loc[best.index, "grp_score"] = best["score"]
    out.loc[best.index, "grp_id"] = best["group"].astype(int)
    return out
