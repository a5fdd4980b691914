"""Evaluate the collusion engine on the labelled datasets (protocol: docs COLLUSION-EVAL.md).

    python -m trading.collusion.evaluate [--data DIR]           # in-market table (5-fold)
    python -m trading.collusion.evaluate --lomo [--data DIR]    # leave one market out
    python -m trading.collusion.evaluate --build-model [PATH]   # rebuild the builtin model
    python -m trading.collusion.evaluate --profile [--data DIR] # why a market is hard (no fitting)

``--data`` defaults to ``../shared/datasets/collusion`` beside the repository.

Pure Python (no Django).  The precomputed screen columns of the files are never read:
only tender, bidder, amount, date, winner, reserve price and the label are mapped.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from .engine import transfer
from .engine.features import tender_labels
from .engine.io import read_bids
from .engine.market import MarketIndex
from .engine.model import train
from .engine.scoring import score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "datasets", "collusion"))
BASE = {"tender_id": "Tender", "amount": "Bid_value", "is_winner": "Winner", "date": "Date"}
DATASETS = {
    "Brazil": ("DB_Collusion_Brazil_processed.csv", "s",
               {"bidder_id": "Competitors", "reserve_price": "Pre-Tender Estimate (PTE)",
                "collusive": "Collusive_competitor_original"}),
    "Switzerland, Ticino": ("DB_Collusion_Switzerland_Ticino_processed.csv", "s",
                            {"collusive": "Collusive_competitor"}),
    "Switzerland, GR and See-Gaster": ("DB_Collusion_Switzerland_GR_and_See-Gaster_processed.csv", "D",
                                       {"collusive": "Collusive_competitor_original"}),
    "Italy": ("DB_Collusion_Italy_processed.csv", None,
              {"bidder_id": "Competitors", "reserve_price": "Pre-Tender Estimate (PTE)",
               "collusive": "Collusive_competitor_original"}),
}
# COLLUSION-EVAL.md: a priori low CV, published screens + random forest
PUBLISHED = {"Brazil": (0.90, 0.90), "Switzerland, Ticino": (0.82, 0.93),
             "Switzerland, GR and See-Gaster": (0.47, 0.72)}
ANCHOR_SCREENS = ["cv", "spd", "diffp", "rd", "kurt", "skew", "ks", "n_bids", "res_mean"]


def load(name: str, data_dir: str = DATA) -> pd.DataFrame:
    fname, unit, extra = DATASETS[name]
    mapping = {**BASE, **extra}
    if unit is None:
        mapping.pop("date")
    return read_bids(os.path.join(data_dir, fname), mapping, date_unit=unit)


def top_share(y: np.ndarray, s: np.ndarray, share: float = 0.10) -> tuple[float, float]:
    """Precision and recall among the top ``share`` of tenders by score."""
    k = max(1, int(round(share * len(s))))
    top = np.argsort(-s, kind="stable")[:k]
    tp = y[top].sum()
    return tp / k, tp / max(1, y.sum())


def _auc(y, s):
    return roc_auc_score(y, s) if 0 < y.sum() < len(y) else float("nan")


def folds(y: np.ndarray, seed: int = 0):
    return StratifiedKFold(5, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)


def evaluate(name: str, data_dir: str = DATA, seed: int = 0) -> dict:
    bids = load(name, data_dir)
    y_t = tender_labels(bids)
    tenders = y_t.index.to_numpy()
    y = y_t.to_numpy()
    # unsupervised: no labels anywhere
    t0 = time.perf_counter()
    unlabelled = bids.drop(columns="collusive")
    index = MarketIndex.build(unlabelled, seed=seed)
    uns = score(unlabelled, index=index).set_index("tender_id")["risk"].reindex(tenders).to_numpy()
    t_uns = time.perf_counter() - t0
    # supervised: 5-fold stratified by tender label
    t0 = time.perf_counter()
    sup = np.full(len(y), np.nan)
    for tr, te in folds(y, seed):
        train_bids = bids[bids["tender_id"].isin(set(tenders[tr]))]
        model = train(train_bids, seed=seed)
        # scoring the whole (unlabelled) file: the index does not depend on the fold
        s = score(unlabelled, model, index=index).set_index("tender_id")["risk"]
        sup[te] = s.reindex(tenders[te]).to_numpy()
    t_sup = time.perf_counter() - t0
    # anchors: a priori low CV, and the published screens + random forest (own screens)
    feats = index.table
    cv = feats["cv"].reindex(tenders)
    a_cv = _auc(y, -cv.fillna(cv.median()).to_numpy())
    X = feats[ANCHOR_SCREENS].reindex(tenders).to_numpy(float)
    X = np.nan_to_num(np.where(np.isfinite(X), X, np.nan), nan=-1.0)
    a_rf = np.full(len(y), np.nan)
    for tr, te in folds(y, seed):
        rf = RandomForestClassifier(n_estimators=500, random_state=seed, n_jobs=1).fit(X[tr], y[tr])
        a_rf[te] = rf.predict_proba(X[te])[:, 1]
    pu, ru = top_share(y, uns)
    ps, rs = top_share(y, sup)
    return {"dataset": name, "bids": len(bids), "tenders": len(y), "collusive": y.mean(),
            "auc_unsup": _auc(y, uns), "auc_sup": _auc(y, sup),
            "anchor_low_cv": a_cv, "anchor_rf_screens": _auc(y, a_rf),
            "p10_unsup": pu, "r10_unsup": ru, "p10_sup": ps, "r10_sup": rs,
            "time_unsup_s": t_uns, "time_sup_cv_s": t_sup}


def _metrics(y, s) -> dict:
    p, r = top_share(y, np.asarray(s, float))
    return {"auc": _auc(y, s), "p10": p, "r10": r}


def lomo(data_dir: str = DATA, seed: int = 0, names=None, trees: bool = True, universe=None) -> list[dict]:
    """Leave one market out: for each market, everything that is fitted (the cross-market
    model's weights and shrinkage, the random forest anchor, the tree model) is fitted on
    the other markets only, then the left-out market is scored without its labels.
    The unsupervised risk and the low-CV anchor fit nothing.  ``universe``: the markets
    read (held out in turn when in ``names``, training data otherwise); default all."""
    names = list(names or DATASETS)
    data, tables = {}, {}
    for name in universe or DATASETS:           # every market may serve as training data
        bids = load(name, data_dir)
        y_t = tender_labels(bids)
        unlabelled = bids.drop(columns="collusive")
        t0 = time.perf_counter()
        index = MarketIndex.build(unlabelled, seed=seed)
        t_uns = time.perf_counter() - t0
        table = index.table.reindex(y_t.index)
        data[name] = (bids, unlabelled, y_t, t_uns)
        tables[name] = (table, y_t.to_numpy())
    rows = []
    for name in names:
        bids, unlabelled, y_t, t_uns = data[name]
        y = y_t.to_numpy()
        table = tables[name][0]
        others = {k: v for k, v in tables.items() if k != name}
        row = {"dataset": name, "tenders": len(y), "collusive": y.mean(),
               "bids_per_tender": len(bids) / len(y)}
        row["unsupervised"] = _metrics(y, table["risk"].to_numpy())
        row["time_unsup_s"] = t_uns
        t0 = time.perf_counter()
        model = transfer.fit(others)
        shipped = score(unlabelled, model).set_index("tender_id")["risk"].reindex(y_t.index)
        row["shipped"] = _metrics(y, shipped.to_numpy())
        row["time_shipped_s"] = time.perf_counter() - t0
        row["lam"] = model.lam
        row["trained_on"] = [t["market"] for t in model.training if t["used"]]
        cv = table["cv"]
        row["low_cv"] = _metrics(y, -cv.fillna(cv.median()).to_numpy())
        Xo = np.vstack([_anchor_X(t) for t, _ in others.values()])
        yo = np.concatenate([yy for _, yy in others.values()])
        rf = RandomForestClassifier(n_estimators=500, random_state=seed, n_jobs=1).fit(Xo, yo)
        row["rf_screens"] = _metrics(y, rf.predict_proba(_anchor_X(table))[:, 1])
        if trees:
            t0 = time.perf_counter()
            pooled = pd.concat([data[k][0].assign(tender_id=k + ":" + data[k][0]["tender_id"].astype(str))
                                for k in others])
            tree = train(pooled, seed=seed)
            s_tree = score(unlabelled, tree, index=MarketIndex.build(unlabelled, seed=seed))
            row["tree_model"] = _metrics(y, s_tree.set_index("tender_id")["risk"].reindex(y_t.index).to_numpy())
            row["time_tree_s"] = time.perf_counter() - t0
        rows.append(row)
        print(f"# {name}: AUC unsupervised {row['unsupervised']['auc']:.3f} shipped {row['shipped']['auc']:.3f} "
              f"low CV {row['low_cv']['auc']:.3f} RF {row['rf_screens']['auc']:.3f}"
              + (f" trees {row['tree_model']['auc']:.3f}" if trees else ""), flush=True)
    return rows


def _anchor_X(table: pd.DataFrame) -> np.ndarray:
    X = table[ANCHOR_SCREENS].to_numpy(float)
    return np.nan_to_num(np.where(np.isfinite(X), X, np.nan), nan=-1.0)


def lomo_markdown(rows: list[dict]) -> str:
    cols = [("unsupervised", "unsupervised risk"), ("shipped", "shipped recipe (cross-market)"),
            ("low_cv", "anchor low CV"), ("rf_screens", "anchor RF on screens")]
    if rows and "tree_model" in rows[0]:
        cols.append(("tree_model", "tree model (not shipped)"))
    head = ("| dataset | tenders | bids/tender | collusive | "
            + " | ".join(f"{label}: AUC, P@10%, R@10%" for _, label in cols) + " |")
    lines = [head, "|" + "---|" * (4 + len(cols))]
    for r in rows:
        cells = [f"{r[k]['auc']:.3f}, {r[k]['p10']:.2f}, {r[k]['r10']:.2f}" for k, _ in cols]
        lines.append(f"| {r['dataset']} | {r['tenders']} | {r['bids_per_tender']:.1f} | {r['collusive']:.0%} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def demo(seed: int = 2024, model=None) -> str:
    """Bands on the demo generator's market (fixtures/market.py, the market of ``make demo``):
    how many tenders are red and yellow, and how many of them the planted cartels rigged."""
    import sys

    sys.path.insert(0, ROOT)
    from fixtures.market import generate

    m = generate(seed=seed)
    bids = pd.DataFrame(list(m.rows()))
    who = bids.groupby("tender_id")["bidder_id"].agg(set)
    ring, pair = set(m.rotation_ring), m.cover_pair[1]
    rigged = {t for t, firms in who.items() if len(firms & ring) >= 2 or pair in firms}
    out = []
    for label, mdl in (("unsupervised", None), ("builtin", model or transfer.load_builtin())):
        s = score(bids, mdl).set_index("tender_id")
        red, yellow = set(s.index[s["band"] == "red"]), set(s.index[s["band"] == "yellow"])
        out.append(f"{label}: {len(s)} tenders, {len(rigged)} rigged; red {len(red)} (precision "
                   f"{len(red & rigged) / max(1, len(red)):.2f}, recall {len(red & rigged) / len(rigged):.2f}); "
                   f"yellow {len(yellow)} ({len(yellow & rigged)} rigged)")
    return "\n".join(out)


PARTS = ("p_cv", "p_spd", "p_rd", "p_d_cv", "p_d_spd", "p_d_mad", "p_d_lcv", "p_sub3_cv_mean", "p_sub4_cv_mean",
         "p_d_rd", "p_d_kurt", "p_d_skew", "p_d_rdnorm", "screen_risk", "pattern_evidence", "group_evidence", "risk")


def parts(data_dir: str = DATA, seed: int = 0, names=None) -> str:
    """AUC of each part of the unsupervised risk alone, per market (no fitting): which
    part carries the evidence, and whether the combination keeps it."""
    head = "| part | " + " | ".join(names or DATASETS) + " |"
    cols = {}
    for name in names or DATASETS:
        bids = load(name, data_dir)
        y_t = tender_labels(bids)
        t = MarketIndex.build(bids.drop(columns="collusive"), seed=seed).table.reindex(y_t.index)
        y = y_t.to_numpy()
        cols[name] = {p: _auc(y, t[p].fillna(t[p].median() if t[p].notna().any() else 0.5).to_numpy())
                      for p in PARTS if p in t}
    lines = [head, "|---|" + "---|" * len(cols)]
    for p in PARTS:
        lines.append(f"| {p} | " + " | ".join(f"{cols[n].get(p, float('nan')):.3f}" for n in cols) + " |")
    return "\n".join(lines)


def profile(data_dir: str = DATA, seed: int = 0, names=None) -> str:
    """Why a market is hard, from its data (no fitting): size and scale of its bids, the
    columns it carries, how many bids its tenders have, what its label means (complete
    cartels, where every bid is a cartel member's, or incomplete ones, where cartel members
    bid among outsiders), and how the screen line and the plain number of bids rank its
    tenders overall, within tenders of the same number of bids, and on complete cartels only."""
    out = ["| | " + " | ".join(names or DATASETS) + " |", "|---|" + "---|" * len(names or DATASETS)]
    rows: dict[str, list] = {}

    def put(label, value):
        rows.setdefault(label, []).append(value)

    for name in names or DATASETS:
        bids = load(name, data_dir)
        y_t = tender_labels(bids)
        t = MarketIndex.build(bids.drop(columns="collusive"), seed=seed).table.reindex(y_t.index)
        y = y_t.to_numpy()
        n = t["d_n_bids"].to_numpy(float)
        share = bids.groupby("tender_id")["collusive"].mean().reindex(y_t.index).to_numpy()
        put("tenders / bids", f"{len(y):,} / {len(bids):,}")
        put("median bid (file's currency)", f"{bids['amount'].median():,.0f}")
        cols = [c for c in ("bidder_id", "reserve_price", "is_winner", "date") if bids[c].notna().any()]
        put("columns with values", ", ".join(cols))
        put("distinct bids per tender: mean; share with 1, 2, >= 3",
            f"{n.mean():.1f}; {np.mean(n == 1):.0%}, {np.mean(n == 2):.0%}, {np.mean(n >= 3):.0%}")
        put("collusive tenders", f"{y.mean():.0%}")
        col = share[y == 1]
        put("of which complete cartels (every bid a member's) / incomplete",
            f"{np.mean(col >= 1):.0%} / {np.mean(col < 1):.0%}")
        sr = t["screen_risk"].to_numpy()
        put("AUC screen line", f"{_auc(y, sr):.3f}")
        m3 = n >= 3
        put("AUC screen line, tenders with >= 3 bids", f"{_auc(y[m3], sr[m3]):.3f}")
        comp = (y == 0) | (share >= 1)
        put("AUC screen line, complete cartels vs competitive", f"{_auc(y[comp], sr[comp]):.3f}")
        inc = (y == 0) | (share < 1)
        put("AUC screen line, incomplete cartels vs competitive", f"{_auc(y[inc], sr[inc]):.3f}")
        put("AUC of the number of bids alone (more = riskier)", f"{_auc(y, n):.3f}")
        within = []
        for b in np.unique(R_bins(n)):
            m = R_bins(n) == b
            if 0 < y[m].sum() < m.sum() and m.sum() >= 30:
                within.append((m.sum(), _auc(y[m], sr[m])))
        put("AUC screen line within tenders of one bid-count bin (weighted mean)",
            f"{sum(k * a for k, a in within) / max(1, sum(k for k, _ in within)):.3f}" if within else "-")
    for label, vals in rows.items():
        out.append(f"| {label} | " + " | ".join(vals) + " |")
    return "\n".join(out)


def R_bins(n):
    from .engine.risk import n_bin

    return n_bin(n)


def build_model(path: str = transfer.BUILTIN, data_dir: str = DATA, seed: int = 0) -> transfer.CrossMarketModel:
    """Fit the cross-market model on every shared market and write it (JSON)."""
    tables = {}
    for name in DATASETS:
        bids = load(name, data_dir)
        y_t = tender_labels(bids)
        index = MarketIndex.build(bids.drop(columns="collusive"), seed=seed)
        tables[name] = (index.table.reindex(y_t.index), y_t.to_numpy())
    model = transfer.fit(tables)
    model.save(path)
    return model


def markdown(rows: list[dict]) -> str:
    head = ("| dataset | tenders | collusive | AUC unsupervised | AUC supervised (5-fold) "
            "| anchor low CV [published] | anchor RF on screens [published] | P@10% uns. / sup. | R@10% uns. / sup. "
            "| time uns. / sup. 5-fold |\n|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        pub_cv, pub_rf = (f" [{v:.2f}]" if v is not None else " [-]"
                          for v in PUBLISHED.get(r["dataset"], (None, None)))
        lines.append(
            f"| {r['dataset']} | {r['tenders']} | {r['collusive']:.0%} | {r['auc_unsup']:.3f} "
            f"| {r['auc_sup']:.3f} | {r['anchor_low_cv']:.3f}{pub_cv} | {r['anchor_rf_screens']:.3f}{pub_rf} "
            f"| {r['p10_unsup']:.2f} / {r['p10_sup']:.2f} | {r['r10_unsup']:.2f} / {r['r10_sup']:.2f} "
            f"| {r['time_unsup_s']:.1f} s / {r['time_sup_cv_s']:.1f} s |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DATA, help=f"folder of the labelled files (default {DATA})")
    ap.add_argument("--lomo", action="store_true", help="leave-one-market-out table (the main protocol)")
    ap.add_argument("--demo", action="store_true", help="bands on the demo generator's market (seed 2024)")
    ap.add_argument("--parts", action="store_true", help="AUC of each part of the unsupervised risk alone")
    ap.add_argument("--profile", action="store_true",
                    help="why a market is hard: its bids, columns, label and where the screens rank it")
    ap.add_argument("--no-trees", action="store_true", help="with --lomo: skip the tree model column")
    ap.add_argument("--build-model", nargs="?", const=transfer.BUILTIN, metavar="PATH",
                    help="fit the cross-market model on every market and write it (default: the builtin file)")
    ap.add_argument("--only", action="append", help="dataset name (repeatable)")
    ap.add_argument("--seed", type=int, default=0,
                    help="fold and model seed (the protocol's is 0; others check robustness)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.data) and not args.demo:
        ap.error(f"--data: {args.data} is not a folder")
    if args.build_model:
        m = build_model(args.build_model, args.data, seed=args.seed)
        print(f"cross-market model written to {args.build_model}: lam {m.lam}, weights {m.weights}, "
              f"intercept {m.intercept}, inner leave-one-market-out AUC by lam {m.selection}")
        return
    if args.demo:
        print(demo())
        return
    if args.parts:
        print(parts(args.data, seed=args.seed, names=args.only))
        return
    if args.profile:
        print(profile(args.data, seed=args.seed, names=args.only))
        return
    if args.lomo:
        print(lomo_markdown(lomo(args.data, seed=args.seed, names=args.only, trees=not args.no_trees)))
        return
    rows = []
    for name in args.only or DATASETS:
        rows.append(evaluate(name, args.data, seed=args.seed))
        r = rows[-1]
        print(f"# {name}: AUC uns {r['auc_unsup']:.3f} sup {r['auc_sup']:.3f} "
              f"(anchors {r['anchor_low_cv']:.3f} / {r['anchor_rf_screens']:.3f})", flush=True)
    print(markdown(rows))


if __name__ == "__main__":
    main()
