"""The cross-market model: what ships with the repository and scores a market it has
never seen (``collusion score --model builtin``, the stored report).

Why not the tree ensemble of ``model.py``?  Trees learn the values of a market: its
contract sizes, how many firms bid, how far apart honest bids sit.  Moved to another
market they rank worse than the plain low-CV screen (leave-one-market-out on the shared
markets: ``python -m trading.collusion.evaluate --lomo``).  What travels is the *shape*
of the evidence inside each market, so this model sees only market-relative inputs:

- inputs: the directional percentiles of ``risk.RISK_COMPONENTS`` within the market
  being scored (per-market normalisation: each screen becomes "how unusual among this
  market's comparable tenders, in the direction cartels push it");
- a logistic combination with non-negative weights (the direction of every screen comes
  from the bid-rigging literature, never from the labels), shrunk towards equal weights:
  penalty ``lam * sum((w - mean(w))**2)``.  With few labelled markets, learning weights
  freely fits one market's habits; the shrinkage ``lam`` is itself chosen by leave-one-
  market-out *inside* the training markets;
- each training market weighs the same, classes balanced inside each market; a market
  with fewer than ``MIN_CLASS`` tenders of either class teaches no ranking and is left
  out of the fit (Italy: 3 competitive tenders of 278).

The model's weights replace the equal weights of the screen line; everything else (the
calibration of the screen line against the scored market, patterns, groups, shared
identities, the bands) is the unsupervised risk's, so red still needs two independent
lines of evidence and every flag keeps its sentence.  The file is plain JSON.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from . import risk as R

FORMAT = "sunlight-collusion-cross-market"
FORMAT_VERSION = 1
LAMBDAS = (0.001, 0.01, 0.1, 1.0, 10.0)
MIN_CLASS = 20
BUILTIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin", "cross_market.json")


@dataclass
class CrossMarketModel:
    weights: dict                       # component -> weight >= 0 (risk.RISK_COMPONENTS)
    intercept: float = 0.0
    lam: float = 1.0
    training: list = field(default_factory=list)   # [{market, tenders, collusive, used}]
    selection: dict = field(default_factory=dict)  # lam -> mean inner leave-one-market-out AUC
    format: str = FORMAT
    version: int = FORMAT_VERSION

    def probability(self, table: pd.DataFrame) -> np.ndarray:
        """Probability of collusion under a balanced prior (half the tenders rigged), from
        the directional percentiles in ``table`` (a MarketIndex table)."""
        return 1.0 / (1.0 + np.exp(-(self.intercept + _design(table, self.weights) @ self._w())))

    def _w(self) -> np.ndarray:
        return np.array(list(self.weights.values()), float)

    def save(self, path) -> None:
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, path)

    @staticmethod
    def load(path) -> CrossMarketModel:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a Sunlight cross-market collusion model of this version")
        unknown = set(data["weights"]) - set(R.RISK_COMPONENTS)
        if unknown:
            raise ValueError(f"unknown model inputs: {', '.join(sorted(unknown))}")
        return CrossMarketModel(**data)


def load_builtin() -> CrossMarketModel:
    return CrossMarketModel.load(BUILTIN)


def is_cross_market_file(path) -> bool:
    """A JSON model file (cross-market) rather than a pickled in-market model."""
    try:
        with open(path, "rb") as fh:
            return fh.read(1) == b"{"
    except OSError:
        return False


def _design(table: pd.DataFrame, components) -> np.ndarray:
    """Directional percentile - 0.5 per component (0 where missing: no evidence)."""
    cols = [table[f"p_{c}"].to_numpy(float) if f"p_{c}" in table else np.full(len(table), np.nan)
            for c in components]
    return np.nan_to_num(np.column_stack(cols) - 0.5) if cols else np.zeros((len(table), 0))


def _fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray:
    from scipy.optimize import minimize

    k = X.shape[1]

    def loss(p):
        z = X @ p[:k] + p[k]
        ll = y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)
        dev = p[:k] - p[:k].mean()
        return float((w * ll).sum() / w.sum() + lam * (dev * dev).sum())

    def grad(p):
        z = X @ p[:k] + p[k]
        r = w * (1.0 / (1.0 + np.exp(-z)) - y) / w.sum()
        dev = p[:k] - p[:k].mean()
        return np.concatenate([X.T @ r + 2 * lam * dev, [r.sum()]])

    res = minimize(loss, np.r_[np.ones(k), 0.0], jac=grad, method="L-BFGS-B",
                   bounds=[(0, None)] * k + [(None, None)])
    return res.x


def _stack(markets: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Design, labels and weights: each market weighs the same, classes balanced in it."""
    Xs, ys, ws = [], [], []
    for table, y in markets:
        y = np.asarray(y, float)
        w = np.where(y == 1, 0.5 / max(1, (y == 1).sum()), 0.5 / max(1, (y == 0).sum()))
        Xs.append(_design(table, R.RISK_COMPONENTS))
        ys.append(y)
        ws.append(w)
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)


def _auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def fit(markets: dict, lambdas=LAMBDAS) -> CrossMarketModel:
    """``markets``: name -> (MarketIndex table of the market scored *without* labels,
    tender labels aligned with the table's rows).  Fits on the markets with at least
    ``MIN_CLASS`` tenders of each class; ``lam`` by leave-one-market-out among them
    (ties go to the stronger shrinkage, i.e. closer to equal weights)."""
    training, usable = [], {}
    for name, (table, y) in markets.items():
        y = np.asarray(y, int)
        used = bool(min(y.sum(), (1 - y).sum()) >= MIN_CLASS)
        training.append({"market": name, "tenders": len(y), "collusive": int(y.sum()), "used": used})
        if used:
            usable[name] = (table, y)
    if not usable:
        raise ValueError(f"no market has {MIN_CLASS} collusive and {MIN_CLASS} competitive tenders")
    selection = {}
    if len(usable) >= 2:
        for lam in lambdas:
            aucs = []
            for held, (t, yt) in usable.items():
                X, y, w = _stack([v for k, v in usable.items() if k != held])
                p = _fit(X, y, w, lam)
                aucs.append(_auc(yt, _design(t, R.RISK_COMPONENTS) @ p[:-1]))
            selection[str(lam)] = float(np.mean(aucs))
        best = max(selection.values())
        lam = max(float(k) for k, v in selection.items() if v >= best - 1e-9)
    else:
        lam = max(lambdas)
    X, y, w = _stack(list(usable.values()))
    p = _fit(X, y, w, lam)
    weights = {c: round(float(v), 6) for c, v in zip(R.RISK_COMPONENTS, p[:-1])}
    if sum(weights.values()) <= 0:       # nothing learnt: the literature's equal weights
        weights = dict.fromkeys(R.RISK_COMPONENTS, 1.0)
    return CrossMarketModel(weights, round(float(p[-1]), 6), lam, training, selection)
