"""Submission signals and entity-side red flags.  Each function skips silently when
its columns are absent and returns a DataFrame of findings (possibly empty)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .io import SIGNAL_COLUMNS


def _present(bids: pd.DataFrame, col: str) -> bool:
    return col in bids and bids[col].notna().any()


def shared_identities(bids: pd.DataFrame, columns=SIGNAL_COLUMNS) -> pd.DataFrame:
    """Identities (ip, device, bank account, ...) used by more than one bidder.
    ``scope`` = 'tender' (same tender: strong) or 'market' (across tenders)."""
    rows = []
    for col in columns:
        if not _present(bids, col) or "bidder_id" not in bids:
            continue
        b = bids[["tender_id", "bidder_id", col]].dropna().drop_duplicates()
        nb = b.groupby([ "tender_id", col])["bidder_id"].transform("nunique")
        same = b[nb >= 2]
        for (t, v), g in same.groupby(["tender_id", col]):
            rows.append(("tender", col, v, sorted(g["bidder_id"].unique()), [t]))
        nm = b.groupby(col)["bidder_id"].transform("nunique")
        for v, g in b[nm >= 2].groupby(col):
            rows.append(("market", col, v, sorted(g["bidder_id"].unique()), sorted(g["tender_id"].unique())))
    return pd.DataFrame(rows, columns=["scope", "signal", "value", "bidders", "tenders"])


# Evidence of one shared identifier: (in one tender, across the market).  Each stays
# below the red line alone; two identifiers shared in one tender corroborate each other
# (IP and device: 1 - 0.4 * 0.4 = 0.84).  A person's name is not an identity (common
# names collide by chance in any large market), so it counts little inside a tender and
# not at all across the market.
# ``attachment_hash`` is the digest of the *plaintext* file (taken when the attachments are
# opened after the opening); ``doc_author`` the author a document's metadata names (a name:
# it counts like a project manager); ``doc_template`` a document template other than the
# word processor's default; ``security_account`` the account that paid the bid security.
SIGNAL_WEIGHTS = {"bank_account": (0.7, 0.35), "attachment_hash": (0.7, 0.35), "device": (0.6, 0.3),
                  "ip": (0.6, 0.3), "phone": (0.6, 0.3), "email": (0.6, 0.3), "project_manager": (0.35, 0.0),
                  "doc_author": (0.35, 0.0), "doc_template": (0.5, 0.25), "security_account": (0.7, 0.35)}
DEFAULT_SIGNAL_WEIGHT = (0.6, 0.3)


def signal_weight(signal: str, scope: str) -> float:
    tender_w, market_w = SIGNAL_WEIGHTS.get(signal, DEFAULT_SIGNAL_WEIGHT)
    return tender_w if scope == "tender" else market_w


def tender_signal_evidence(findings: pd.DataFrame, tenders: pd.Index,
                           bids: pd.DataFrame | None = None) -> pd.Series:
    """Per tender, noisy-OR over identifiers of the strongest finding of each: a finding
    in the tender itself, or (with ``bids``) two bidders of the tender that share an
    identifier elsewhere in the market."""
    ev = pd.Series(0.0, index=tenders)
    if findings.empty:
        return ev
    f = findings.reset_index(drop=True)
    f = f.assign(weight=[signal_weight(s, sc) for s, sc in zip(f["signal"], f["scope"])])
    f = f[f["weight"] > 0]
    local = f[f["scope"] == "tender"][["signal", "weight", "tenders"]].explode("tenders")
    hits = [local.rename(columns={"tenders": "tender_id"})]
    market = f[f["scope"] == "market"]
    if bids is not None and len(market) and "bidder_id" in bids:
        pairs = market[["signal", "weight", "bidders"]].reset_index(names="finding").explode("bidders")
        present = bids[["tender_id", "bidder_id"]].dropna().drop_duplicates()
        m = pairs.merge(present, left_on="bidders", right_on="bidder_id")
        n = m.groupby(["tender_id", "finding"])["bidder_id"].transform("size")
        hits.append(m[n >= 2][["tender_id", "signal", "weight"]])
    h = pd.concat(hits, ignore_index=True)
    h = h[h["tender_id"].isin(tenders)]
    if h.empty:
        return ev
    strongest = h.groupby(["tender_id", "signal"])["weight"].max()
    keep = (1.0 - strongest).groupby(level="tender_id").prod()
    ev.loc[keep.index] = 1.0 - keep.to_numpy()
    return ev


def _winners(bids: pd.DataFrame) -> pd.DataFrame:
    return bids[bids["is_winner"] == 1]


def buyer_dominance(bids: pd.DataFrame, min_tenders: int = 5, min_share: float = 0.8) -> pd.DataFrame:
    """One firm wins at least ``min_share`` of at least ``min_tenders`` tenders of a buyer."""
    cols = ["buyer_id", "bidder_id", "wins", "tenders", "share", "tender_ids"]
    if not _present(bids, "buyer_id") or "bidder_id" not in bids:
        return pd.DataFrame(columns=cols)
    w = _winners(bids).dropna(subset=["buyer_id", "bidder_id"])
    per_buyer = bids.dropna(subset=["buyer_id"]).groupby("buyer_id")["tender_id"].nunique()
    wins = w.groupby(["buyer_id", "bidder_id"])["tender_id"].agg(["nunique", lambda s: sorted(s.unique())])
    wins.columns = ["wins", "tender_ids"]
    wins = wins.reset_index()
    wins["tenders"] = wins["buyer_id"].map(per_buyer)
    wins["share"] = wins["wins"] / wins["tenders"]
    hit = wins[(wins["tenders"] >= min_tenders) & (wins["share"] >= min_share)]
    return hit[cols].reset_index(drop=True)


def disqualification_flags(bids: pd.DataFrame) -> pd.DataFrame:
    """Tenders where the lowest bid was disqualified, or all bids but the winner's were."""
    cols = ["tender_id", "kind", "bidders"]
    if not _present(bids, "disqualified"):
        return pd.DataFrame(columns=cols)
    b = bids.dropna(subset=["disqualified"])
    rows = []
    low = b.loc[b.groupby("tender_id")["amount"].idxmin()]
    for _, r in low[low["disqualified"] == 1].iterrows():
        rows.append((r["tender_id"], "lowest_disqualified", [r["bidder_id"]]))
    g = b.groupby("tender_id")
    n = g.size()
    nw = g["is_winner"].apply(lambda s: (s == 1).sum())
    ndq_losers = b[(b["is_winner"] != 1)].groupby("tender_id")["disqualified"].agg(["sum", "size"])
    ok = ndq_losers[(ndq_losers["sum"] == ndq_losers["size"]) & (ndq_losers["size"] >= 2)].index
    for t in ok:
        if nw.get(t, 0) >= 1 and n[t] >= 3:
            rows.append((t, "all_but_winner_disqualified",
                         sorted(b.loc[(b["tender_id"] == t) & (b["is_winner"] != 1), "bidder_id"].dropna())))
    return pd.DataFrame(rows, columns=cols)


def split_below_threshold(bids: pd.DataFrame, threshold: float, margin: float = 0.1,
                          window_days: int = 30, min_pieces: int = 3) -> pd.DataFrame:
    """A buyer puts out >= ``min_pieces`` tenders within ``window_days`` whose value
    (reserve price, else lowest bid) lies in [threshold*(1-margin), threshold)."""
    cols = ["buyer_id", "tenders", "first_date", "last_date", "total_value"]
    if not _present(bids, "buyer_id") or not bids["date"].notna().any():
        return pd.DataFrame(columns=cols)
    g = bids.dropna(subset=["buyer_id", "date"]).groupby("tender_id")
    t = pd.DataFrame({"buyer_id": g["buyer_id"].first(), "date": g["date"].min(),
                      "value": g["reserve_price"].max().fillna(g["amount"].min())})
    t = t[(t["value"] < threshold) & (t["value"] >= threshold * (1 - margin))].sort_values("date")
    rows = []
    for buyer, tb in t.groupby("buyer_id"):
        d = tb["date"].to_numpy()
        j = 0
        i = 0
        while i < len(tb):
            j = np.searchsorted(d, d[i] + np.timedelta64(window_days, "D"), "right")
            if j - i >= min_pieces:
                part = tb.iloc[i:j]
                rows.append((buyer, list(part.index), part["date"].min(), part["date"].max(), float(part["value"].sum())))
                i = j
            else:
                i += 1
    return pd.DataFrame(rows, columns=cols)
