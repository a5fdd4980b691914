"""Optional supervised model: an ensemble of random forest and gradient boosting on
screens, subgroup screens, price patterns, market-relative percentiles and co-bidding
group features.  All features are computed from bids alone.

scikit-learn is imported when a model is trained or used, not with the engine: the web
application imports the engine at start-up and never needs it there."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .features import tender_labels
from .market import CALIBRATION_COLUMNS, market_table

FORMAT_VERSION = 1


@dataclass
class Model:
    features: list
    estimators: list = field(default_factory=list)
    version: int = FORMAT_VERSION
    n_train_tenders: int = 0
    positive_rate: float = 0.0

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        from sklearn.ensemble import HistGradientBoostingClassifier
        X = table.reindex(columns=self.features).to_numpy(float)
        X = np.where(np.isfinite(X), X, np.nan)
        ps = []
        for est in self.estimators:
            p = est.predict_proba(np.nan_to_num(X, nan=-1.0) if not isinstance(est, HistGradientBoostingClassifier) else X)
            ps.append(p[:, 1] if p.shape[1] == 2 else np.full(len(X), float(est.classes_[0])))
        return np.mean(ps, axis=0)

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(path) -> "Model":
        with open(path, "rb") as fh:
            m = pickle.load(fh)
        if not isinstance(m, Model) or m.version != FORMAT_VERSION:
            raise ValueError("not a Sunlight collusion model of this version")
        return m


COMPACT_SUBGROUPS = tuple(f"sub{k}_{sc}_{st}" for k in (3, 4) for sc in ("cv", "rd") for st in ("mean", "min"))


def feature_columns(table: pd.DataFrame, subgroups: str = "compact") -> list:
    """Model inputs.  ``subgroups``: 'all' (48 subgroup summaries), 'compact' (CV and RD,
    mean and min: on the development files the full set added noise, not signal) or 'none'."""
    out = []
    for c in table.columns:
        if c in ("risk", "screen_risk", "grp_id", "band") or c in CALIBRATION_COLUMNS:
            continue
        if c.startswith("sub") and (subgroups == "none" or (subgroups == "compact" and c not in COMPACT_SUBGROUPS)):
            continue
        out.append(c)
    return out


def train(bids: pd.DataFrame, *, seed: int = 0, n_estimators: int = 300, n_jobs: int = 1,
          subgroups: str = "compact") -> Model:
    """Fit on a canonical bid table with a ``collusive`` column."""
    from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier

    if "collusive" not in bids:
        raise ValueError("training bids need a 'collusive' column")
    table = market_table(bids.drop(columns="collusive"))
    y = tender_labels(bids).reindex(table.index).to_numpy()
    cols = feature_columns(table, subgroups)
    X = table[cols].to_numpy(float)
    X = np.where(np.isfinite(X), X, np.nan)
    varies = np.array([np.unique(c[~np.isnan(c)]).size > 1 for c in X.T], dtype=bool)
    cols = [c for c, v in zip(cols, varies) if v]
    X = X[:, varies]
    rf = RandomForestClassifier(n_estimators=n_estimators, min_samples_leaf=2, max_features="sqrt",
                                class_weight="balanced_subsample", random_state=seed, n_jobs=n_jobs)
    et = ExtraTreesClassifier(n_estimators=n_estimators, min_samples_leaf=2, max_features="sqrt",
                              class_weight="balanced", random_state=seed, n_jobs=n_jobs)
    hgb = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                         l2_regularization=1.0, random_state=seed)
    Xf = np.nan_to_num(X, nan=-1.0)
    ests = []
    for est, data in ((rf, Xf), (et, Xf), (hgb, X)):
        est.fit(data, y)
        ests.append(est)
    return Model(cols, ests, n_train_tenders=len(y), positive_rate=float(y.mean()))
