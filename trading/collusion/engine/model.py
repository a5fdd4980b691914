"""Optional supervised model: the mean of random forest, extra trees and gradient boosting
probabilities on screens over distinct bids, the shape of the bids around the lowest
(engine/shape.py), price patterns and co-bidding group features.  All features are
computed from bids alone.

scikit-learn is imported when a model is trained or used, not with the engine: the web
application imports the engine at start-up and never needs it there."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .features import tender_labels
from .market import market_table

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
# Screens over distinct bids (engine/shape.py) stand in for the row-level ones: a bid
# listed once per consortium member must not look like a tightly packed field.
SCREENS = ("n_bids",) + tuple(f"d_{sc}" for sc in ("n_bids", "cv", "spd", "diffp", "rd", "skew", "kurt", "ks"))
SHAPE = ("rel2", "rel3", "rel4", "rel_mean", "gap_min", "gap_max", "gap_min_share",
         "dup_share", "n_win_rows", "win_gap", "log_amount", "res_min", "res_mean")
PATTERNS = ("step_cv_arith", "step_cv_geom", "reserve_round", "identical", "cluster_above")
GROUP = ("grp_members", "grp_score")


def feature_columns(table: pd.DataFrame, subgroups: str = "none") -> list:
    """Model inputs: screens over distinct bids, the shape of the bids around the lowest,
    price patterns and co-bidding group.  Market percentiles are left out (a monotone
    transform of the screens within a bid-count bin: trees gain nothing from them).
    ``subgroups``: 'none' (default: no gain on the development files once the bid shape
    is in), 'compact' (CV and RD, mean and min) or 'all' (48 summaries)."""
    cols = list(SCREENS + SHAPE + PATTERNS + GROUP)
    if subgroups == "compact":
        cols += list(COMPACT_SUBGROUPS)
    elif subgroups == "all":
        cols += [c for c in table.columns if c.startswith("sub")]
    return [c for c in cols if c in table.columns]


def train(bids: pd.DataFrame, *, seed: int = 0, n_estimators: int = 300, n_jobs: int = 1,
          subgroups: str = "none") -> Model:
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
