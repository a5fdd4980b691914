"""Unsupervised risk (no labels): market-relative, rank-based.

Every screen is turned into a percentile *within the market being scored*, among tenders
with a similar number of bids (bins below; a bin with fewer than ``min_ref`` tenders
falls back to the whole market).  A directional percentile of 0.97 for ``cv`` means the
bids are closer together than in 97% of comparable tenders.  Directions follow the
bid-rigging literature (Imhof; Huber & Imhof): low CV, low spread and a large gap
between the winner and tightly packed losers (high RD) are suspicious; the subgroup
versions catch incomplete cartels.

screen_risk = weighted mean of the available directional percentiles of
``RISK_COMPONENTS`` (0.5 when a tender has too few bids for any screen); the weights
(equal, or a cross-market model's) are adapted to the scored market by the components'
agreement on its own tenders, without labels (``agreement_weights``).  It is a ranking, not a probability: about half of any market
sits above 0.5.  Calibration turns it into evidence:

- ``screen_p`` = share of comparable tenders (same bid-count bin) of this market whose
  screens are at least as suspicious: an empirical tail probability, uniform over an
  ordinary competitive market whatever its size, prices or number of bids;
- screen evidence = ``SCREEN_WEIGHT * (1 - screen_p ** SCREEN_SHARPNESS)``: strictly
  decreasing in ``screen_p`` (the ranking is kept), reaching the yellow line only in
  the top ``SCREEN_YELLOW_TAIL`` of comparable tenders and never the red one; times the
  square root of ``coverage`` (the share of the line a tender's bids can compute), so a
  two-bid tender cannot outrank cover bidding seen by every component.

risk = noisy-OR of the screen evidence with pattern, group and signal evidence; pattern
evidence is weighted by how rare patterns are in the market (``rarity``), so that a habit
of the whole market cannot push its tenders above those with suspicious screens.  Every
single line of evidence is capped below the red line (0.8): red needs two independent
lines that agree (extreme screens and a cohesive group, two identifiers shared in one
tender, ...).  Risk is in [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

N_BINS = (1, 2, 3, 4, 5, 7, 10, 15)          # left edges of bid-count bins
# The screen line of the risk over *distinct* bids (a bid listed once per consortium
# member is one bid): how closely the bids sit together, measured seven ways, and the
# shape of cover bidding.  -1: low is suspicious.  Equal weights unless a cross-market
# model (engine/transfer.py) gives others; either is then adapted to the scored market
# (``agreement_weights``).
RISK_COMPONENTS = {"d_cv": -1, "d_spd": -1, "d_mad": -1, "d_lcv": -1,
                   "sub3_cv_mean": -1, "sub4_cv_mean": -1, "d_rd": +1,
                   # the shape of cover bidding (Huber & Imhof 2019; Imhof, Karagök & Rutz
                   # 2018): losers packed together above a lone winner make the distribution
                   # peaked (high kurtosis), skewed to the left of the pack (low skewness) and
                   # the winner's gap large against the spacing of the losers (high d_rdnorm)
                   "d_kurt": +1, "d_skew": -1, "d_rdnorm": +1}
# the row-level screens the flags speak of (engine/explain.py); not part of the risk
FLAG_SCREENS = {"cv": -1, "spd": -1, "rd": +1, "sub3_cv_mean": -1, "sub4_cv_mean": -1}
COMPONENTS = {**FLAG_SCREENS, **RISK_COMPONENTS}
BANDS = (0.6, 0.8)                             # blue < 0.6 <= yellow < 0.8 <= red
SCREEN_WEIGHT = 0.75                           # the most screens alone can say: yellow, not red
SCREEN_YELLOW_TAIL = 0.025                     # screens alone reach yellow in this top share
SCREEN_SHARPNESS = float(np.log(1 - BANDS[0] / SCREEN_WEIGHT) / np.log(SCREEN_YELLOW_TAIL))
PATTERN_WEIGHTS = {"identical": 0.5, "step_arith": 0.4, "step_geom": 0.4, "reserve_round": 0.3}
STEP_TOL = 0.01
STEP_MIN_BIDS = 4    # two equal gaps (3 bids) happen by chance about once in a hundred tenders
# A price pattern that shows in a large share of a market's tenders is that market's
# habit (bids at round shares of the estimate, identical bids at a legal price floor),
# not a cartel's trace.  (Co-bidding groups are already judged against the market:
# cohesion, exclusivity and the group-flag floor.)  Its weight is multiplied by (1 - share) ** RARITY_POWER: a line
# firing on 5% of the market keeps 86% of its weight, on 20% half, on 50% an eighth.
RARITY_POWER = float(np.log(0.5) / np.log(0.8))


def comparable_n(feats: pd.DataFrame) -> np.ndarray:
    """The bid count that makes tenders comparable: distinct bids (a consortium's bid
    listed once per member is one bid) when known, else rows."""
    col = "d_n_bids" if "d_n_bids" in feats else "n_bids"
    return feats[col].fillna(feats["n_bids"]).to_numpy() if col != "n_bids" else feats[col].to_numpy()


def n_bin(n) -> np.ndarray:
    return np.searchsorted(np.asarray(N_BINS), np.asarray(n), side="right") - 1


@dataclass
class Reference:
    """Sorted screen values per bid-count bin, to turn a value into a percentile."""
    by_bin: dict = field(default_factory=dict)   # (screen, bin) -> sorted array
    overall: dict = field(default_factory=dict)  # screen -> sorted array
    min_ref: int = 30

    @classmethod
    def build(cls, feats: pd.DataFrame, screens=None, min_ref: int = 30) -> "Reference":
        ref = cls(min_ref=min_ref)
        for sc in screens or list(COMPONENTS) + ["cv", "spd", "diffp", "rd", "kurt", "skew", "ks"]:
            if sc in feats:
                ref.add(sc, feats[sc].to_numpy(float), comparable_n(feats))
        return ref

    def add(self, screen: str, values, n_bids) -> None:
        """Reference distribution of one more column (e.g. ``screen_risk``)."""
        v = np.asarray(values, float)
        bins = n_bin(n_bids)
        self.overall[screen] = np.sort(v[np.isfinite(v)])
        for b in np.unique(bins):
            vb = v[(bins == b) & np.isfinite(v)]
            if len(vb) >= self.min_ref:
                self.by_bin[(screen, int(b))] = np.sort(vb)

    def percentile(self, screen: str, values, n_bids) -> np.ndarray:
        """Mid-rank percentile in [0, 1]; NaN where the value is NaN."""
        v = np.asarray(values, float)
        bins = n_bin(n_bids)
        out = np.full(len(v), np.nan)
        for b in np.unique(bins):
            ref = self.by_bin.get((screen, int(b)), self.overall.get(screen))
            m = (bins == b) & np.isfinite(v)
            if ref is None or len(ref) == 0 or not m.any():
                continue
            lo = np.searchsorted(ref, v[m], "left")
            hi = np.searchsorted(ref, v[m], "right")
            out[m] = (lo + hi) / (2.0 * len(ref))
        return out


def suspicion_percentiles(feats: pd.DataFrame, ref: Reference, components=None) -> pd.DataFrame:
    """Directional percentile per component: 1 = most suspicious in the market."""
    comps = components or COMPONENTS
    out = {}
    for sc, sign in comps.items():
        if sc in feats:
            p = ref.percentile(sc, feats[sc].to_numpy(float), comparable_n(feats))
            out[f"p_{sc}"] = p if sign > 0 else 1.0 - p
    return pd.DataFrame(out, index=feats.index)


def pattern_evidence(feats: pd.DataFrame, step_tol: float = STEP_TOL) -> pd.Series:
    w = PATTERN_WEIGHTS
    keep = np.ones(len(feats))
    keep *= np.where(feats["identical"].to_numpy() >= 2, 1 - w["identical"], 1.0)
    steps = feats["n_bids"].to_numpy() >= STEP_MIN_BIDS
    keep *= np.where(steps & (feats["step_cv_arith"].fillna(np.inf).to_numpy() < step_tol), 1 - w["step_arith"], 1.0)
    keep *= np.where(steps & (feats["step_cv_geom"].fillna(np.inf).to_numpy() < step_tol), 1 - w["step_geom"], 1.0)
    keep *= np.where(feats["reserve_round"].to_numpy() >= 2, 1 - w["reserve_round"], 1.0)
    return pd.Series(1 - keep, index=feats.index)


def combine(screen_risk, *evidence) -> np.ndarray:
    keep = 1.0 - np.asarray(screen_risk, float)
    for e in evidence:
        keep = keep * (1.0 - np.clip(np.nan_to_num(np.asarray(e, float)), 0, 1))
    return 1.0 - keep


def screen_risk(pct: pd.DataFrame, weights: dict | None = None) -> pd.Series:
    """Weighted mean of the directional percentiles of the risk components (equal
    weights by default), 0.5 when a tender has none."""
    weights = weights or dict.fromkeys(RISK_COMPONENTS, 1.0)
    cols = [c for c in weights if f"p_{c}" in pct]
    if not cols:
        return pd.Series(0.5, index=pct.index)
    v = pct[[f"p_{c}" for c in cols]].to_numpy(float)
    w = np.array([weights[c] for c in cols], float)
    have = np.isfinite(v)
    den = (have * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, (np.where(have, v, 0.0) * w).sum(axis=1) / den, 0.5)
    return pd.Series(out, index=pct.index)


AGREE_MIN = 50     # tenders a component needs in the scored market to be weighed by agreement


def agreement_weights(pct: pd.DataFrame, prior: dict | None = None, min_tenders: int = AGREE_MIN) -> dict:
    """Screen-line weights adapted to the market being scored, without labels.

    The spectral meta-learner of Parisi, Strino, Nadler & Kluger (2014, "Ranking and
    combining multiple predictors without labeled data", PNAS 111:1253): if the components
    err independently given the (unknown) label, the off-diagonal covariance of their
    scores over the market's tenders is rank one, ``v v'``, and ``v`` is proportional to
    how well each component ranks *in this market*.  A component whose direction does not
    hold here (it varies on its own, not with the others) gets a weight near 0, so that it
    cannot drag the combination below the parts that know (issue 15).  Directions are never
    flipped (negative loadings become 0).  The result multiplies ``prior`` (equal weights, or
    a cross-market model's); a component with fewer than ``min_tenders`` tenders in the
    market, or a market too small to estimate the covariance, keeps its prior weight."""
    comps = [c for c in (prior or RISK_COMPONENTS) if f"p_{c}" in pct]
    prior = {c: float((prior or {}).get(c, 1.0)) for c in comps}
    if len(comps) < 3:
        return prior
    X = pct[[f"p_{c}" for c in comps]].to_numpy(float)
    have = np.isfinite(X)
    ok = have.sum(axis=0) >= min_tenders
    if ok.sum() < 3:
        return prior
    Xo = X[:, ok]
    C = pd.DataFrame(Xo).cov(min_periods=min_tenders).fillna(0.0).to_numpy()
    M = C.copy()
    v = np.zeros(len(C))
    for _ in range(100):               # rank-one fit of the off-diagonal part
        val, vec = np.linalg.eigh(M)
        new = vec[:, -1] * np.sqrt(max(val[-1], 0.0))
        if np.allclose(new * new, np.diag(M), rtol=1e-6, atol=1e-12):
            v = new
            break
        v = new
        np.fill_diagonal(M, v * v)
    if v.sum() < 0:
        v = -v
    v = np.clip(v, 0.0, None)
    if not np.isfinite(v).all() or v.max() <= 0:
        return prior
    v = v / v[v > 0].mean()
    out = dict(prior)
    for c, a in zip([c for c, k in zip(comps, ok) if k], v):
        out[c] = prior[c] * float(a)
    if sum(out.values()) <= 0:
        return prior
    return out


def coverage(pct: pd.DataFrame, weights: dict | None = None) -> pd.Series:
    """Share of the screen line's weight a tender's bids can compute.  A tender with two bids
    has only CV and spread (two views of one gap), one bid has none: their screens can say
    that much of what a full tender's can.  Without it a two-bid tender whose bids happen to
    sit close tops its own bid-count bin (the percentiles are within bins) and so the market,
    above cover bidding seen by every component in larger tenders."""
    weights = weights or dict.fromkeys(RISK_COMPONENTS, 1.0)
    cols = [c for c in weights if f"p_{c}" in pct]
    total = sum(max(0.0, weights[c]) for c in weights)
    if not cols or total <= 0:
        return pd.Series(0.0, index=pct.index)
    have = np.isfinite(pct[[f"p_{c}" for c in cols]].to_numpy(float))
    w = np.array([max(0.0, weights[c]) for c in cols], float)
    return pd.Series((have * w).sum(axis=1) / total, index=pct.index)


def rarity(share) -> float:
    """Weight kept by the pattern line when patterns show in ``share`` of the market."""
    share = float(np.clip(np.nan_to_num(share), 0.0, 1.0))
    return (1.0 - share) ** RARITY_POWER


def screen_tail(ref: Reference, screen_risk_values, n_bids) -> np.ndarray:
    """``screen_p``: share of comparable tenders at least as suspicious (mid-rank)."""
    return 1.0 - ref.percentile("screen_risk", screen_risk_values, n_bids)


def screen_evidence(p) -> np.ndarray:
    """Tail probability -> evidence in [0, SCREEN_WEIGHT), decreasing in ``p``."""
    p = np.clip(np.nan_to_num(np.asarray(p, float), nan=1.0), 0.0, 1.0)
    return SCREEN_WEIGHT * (1.0 - p ** SCREEN_SHARPNESS)


def band(risk, thresholds=BANDS) -> np.ndarray:
    """'blue' / 'yellow' / 'red' per risk value."""
    r = np.asarray(risk, float)
    return np.where(r >= thresholds[1], "red", np.where(r >= thresholds[0], "yellow", "blue"))
