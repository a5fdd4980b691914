"""Collusion scoring benchmark (not a test).

    .venv/bin/python bench/collusion_bench.py [--bids 1000000] [--tenders 100000] [--bidders 20000]
        [--ref-sample 2000]

Generates a seeded synthetic market (regional bidders, a few planted rings), times the
unsupervised ``score`` (MarketIndex.build + table), its peak memory (tracemalloc peak of
Python allocations and ru_maxrss of the process), scoring one new tender against the stored
index, and a plain per-tender pandas/networkx reference (loop over tenders computing the
same screens and subgroup CV means, graph built edge by edge) timed on ``--ref-sample``
tenders and extrapolated linearly to the whole market (the reference does no Louvain,
pattern or group statistics, so the comparison flatters it).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trading.collusion.engine import MarketIndex, load_builtin, score, score_tender  # noqa: E402


def synthetic_market(n_bids: int, n_tenders: int, n_bidders: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = np.clip(rng.poisson(n_bids / n_tenders - 2, n_tenders) + 2, 2, 60)
    k = (k * n_bids / k.sum()).round().astype(int).clip(2)
    regions = 50
    region_of_tender = rng.integers(0, regions, n_tenders)
    per_region = n_bidders // regions
    tid = np.repeat(np.arange(n_tenders), k)
    reg = np.repeat(region_of_tender, k)
    bidder = reg * per_region + rng.integers(0, per_region, len(tid))
    price = np.repeat(rng.lognormal(13, 1.2, n_tenders), k)
    amount = price * (1 + rng.gamma(2.0, 0.06, len(tid)))
    df = pd.DataFrame({"tender_id": tid.astype(str), "bidder_id": bidder.astype(str), "amount": amount})
    df = df.drop_duplicates(["tender_id", "bidder_id"]).reset_index(drop=True)
    # planted rings: 100 rings of 5 firms rigging 20 tenders each (close bids, rotation)
    ring_rows = []
    for r in range(100):
        firms = rng.choice(n_bidders, 5, replace=False).astype(str)
        for j in range(20):
            p = rng.lognormal(13, 1.2)
            for i, f in enumerate(firms):
                ring_rows.append((f"ring{r}-{j}", f, p * (1 + (0 if i == j % 5 else rng.uniform(0.02, 0.04)))))
    df = pd.concat([df, pd.DataFrame(ring_rows, columns=["tender_id", "bidder_id", "amount"])], ignore_index=True)
    low = df.groupby("tender_id")["amount"].transform("min")
    df["is_winner"] = (df["amount"] == low).astype(float)
    df["date"] = pd.NaT
    df["reserve_price"] = np.nan
    return df


# ---------------------------------------------------------------- reference (loops)
def reference_screens(by_tender: dict, tenders) -> pd.DataFrame:
    rows = {}
    for t in tenders:
        x = np.sort(by_tender[t]["amount"].to_numpy())
        n = len(x)
        r = {"n_bids": n, "cv": x.std(ddof=1) / x.mean() if n > 1 else np.nan,
             "spd": (x[-1] - x[0]) / x[0] if n > 1 else np.nan,
             "diffp": (x[1] - x[0]) / x[0] if n > 1 else np.nan,
             "rd": (x[1] - x[0]) / x[1:].std(ddof=1) if n > 2 else np.nan,
             "skew": pd.Series(x).skew() if n > 2 else np.nan,
             "kurt": pd.Series(x).kurt() if n > 3 else np.nan}
        for k in (3, 4):
            cvs = [np.std(c, ddof=1) / np.mean(c) for c in list(combinations(x, k))[:60]]
            r[f"sub{k}_cv_mean"] = np.mean(cvs) if cvs else np.nan
        rows[t] = r
    return pd.DataFrame.from_dict(rows, orient="index")


def reference_graph(by_tender: dict, tenders) -> nx.Graph:
    g = nx.Graph()
    for t in tenders:
        firms = by_tender[t]["bidder_id"].unique()
        for a, b in combinations(firms, 2):
            w = g.get_edge_data(a, b, {"weight": 0})["weight"]
            g.add_edge(a, b, weight=w + 1)
    return g


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--bids", type=int, default=1_000_000)
    ap.add_argument("--tenders", type=int, default=100_000)
    ap.add_argument("--bidders", type=int, default=20_000)
    ap.add_argument("--ref-sample", type=int, default=2000)
    ap.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap peak")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    bids = synthetic_market(a.bids, a.tenders, a.bidders)
    n_t = bids["tender_id"].nunique()
    print(f"market: {len(bids):,} bids, {n_t:,} tenders, {bids['bidder_id'].nunique():,} bidders "
          f"(generated in {time.perf_counter() - t0:.1f} s)", flush=True)

    t0 = time.perf_counter()
    index = MarketIndex.build(bids)
    scores = score(bids, index=index)
    t_score = time.perf_counter() - t0
    peak = float("nan")
    if a.tracemalloc:  # second run: tracemalloc slows Python allocations down
        tracemalloc.start()
        score(bids)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB
    ring = scores["tender_id"].str.startswith("ring")
    from sklearn.metrics import roc_auc_score
    print(f"score (unsupervised, whole market): {t_score:.1f} s; tracemalloc peak "
          f"{peak / 1024 ** 3:.2f} GiB; process max RSS {rss:.2f} GiB; "
          f"planted-ring AUC {roc_auc_score(ring, scores['risk']):.3f}; "
          f"groups found {len(index.groups)}", flush=True)

    t0 = time.perf_counter()
    builtin = score(bids, load_builtin())       # `collusion score --model builtin`: its own index
    t_builtin = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"score with the builtin cross-market model: {t_builtin:.1f} s; process max RSS {rss:.2f} GiB; "
          f"planted-ring AUC {roc_auc_score(ring, builtin['risk']):.3f}", flush=True)

    new = bids[bids["tender_id"] == "ring0-0"].assign(tender_id="NEW")
    t0 = time.perf_counter()
    reps = 20
    for _ in range(reps):
        one = score_tender(index, new)
    t_one = (time.perf_counter() - t0) / reps
    print(f"score_tender (one new tender vs stored index): {t_one * 1000:.1f} ms, "
          f"risk {one['risk'].iloc[0]:.2f}", flush=True)

    sample = bids["tender_id"].drop_duplicates().sample(a.ref_sample, random_state=0).tolist()
    t0 = time.perf_counter()
    by_tender = dict(tuple(bids.groupby("tender_id", sort=False)))  # split once, as a loop would
    t_split = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference_screens(by_tender, sample)
    reference_graph(by_tender, sample)
    t_ref = t_split + (time.perf_counter() - t0) * n_t / a.ref_sample
    print(f"reference per-tender loops: {a.ref_sample} tenders timed, extrapolated to {n_t:,}: "
          f"{t_ref:.0f} s (incl. {t_split:.0f} s to split by tender, not extrapolated) -> engine is {t_ref / t_score:.0f}x faster", flush=True)


if __name__ == "__main__":
    main()
