"""The `collusion train` / `collusion score` file contract (docs COLLUSION-EVAL.md).
Outputs are written to a temporary file beside the target and renamed into place,
so a failure never leaves a half-written file."""
from __future__ import annotations

import os
import pickle
import tempfile
from contextlib import contextmanager

import pandas as pd

from trading.collusion import engine as E

from .adapters import MappingError, describe_error, parse_mapping, read_bid_file
from .conf import bands


class ContractError(Exception):
    """Bad input or output: one line for the user."""


def load(path, map_pairs, date_unit=None) -> pd.DataFrame:
    try:
        mapping = parse_mapping(map_pairs)
    except MappingError as exc:
        raise ContractError(str(exc)) from None
    if not os.path.isfile(path):
        raise ContractError(f"file: {path} does not exist")
    try:
        return read_bid_file(path, mapping, date_unit)
    except E.BidDataError as exc:
        raise ContractError(f"{path}: {describe_error(exc, mapping)}") from None
    except UnicodeDecodeError:
        raise ContractError(f"{path}: file: not UTF-8 text") from None


@contextmanager
def staged(paths):
    """Yield temporary paths; rename them onto ``paths`` only if the block succeeds."""
    temps = []
    try:
        for p in paths:
            fd, tmp = tempfile.mkstemp(prefix=".collusion-", dir=os.path.dirname(os.path.abspath(p)))
            os.close(fd)
            temps.append(tmp)
        yield temps
        for tmp, p in zip(temps, paths):
            os.replace(tmp, p)
        temps = []
    except OSError as exc:
        raise ContractError(f"cannot write output: {exc.strerror or exc}") from None
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def train(input_path, model_path, map_pairs=(), date_unit=None) -> dict:
    bids = load(input_path, map_pairs, date_unit)
    if "collusive" not in bids:
        raise ContractError(f"{input_path}: file, column 'collusive': required column for training is missing")
    labels = E.tender_labels(bids)
    if labels.nunique() < 2:
        raise ContractError(f"{input_path}: file, column 'collusive': training needs both collusive and "
                            "competitive tenders")
    model = E.train(bids)
    with staged([model_path]) as (tmp,):
        model.save(tmp)
    return {"tenders": int(len(labels)), "collusive": int(labels.sum()), "features": len(model.features)}


BUILTIN = "builtin"


def load_model(path):
    """``builtin``: the cross-market model shipped in the repository; a path: a model
    from ``train`` (in-market, pickled) or a cross-market JSON file."""
    if path == BUILTIN:
        path = E.transfer.BUILTIN
    if not os.path.isfile(path):
        raise ContractError(f"model: {path} does not exist")
    try:
        if E.transfer.is_cross_market_file(path):
            return E.CrossMarketModel.load(path)
        return E.Model.load(path)
    except (ValueError, KeyError, TypeError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise ContractError(f"model: {path} is not a collusion model ({exc})") from None


def score(input_path, output_path, model_path=None, bidders_output=None, map_pairs=(), date_unit=None) -> dict:
    bids = load(input_path, map_pairs, date_unit)
    model = load_model(model_path) if model_path else None
    bids = bids.drop(columns=["collusive"], errors="ignore")   # never a feature
    index = E.index_for(bids, model)
    scores = E.score(bids, model, index=index, bands=bands())
    order = pd.Index(pd.unique(bids["tender_id"]))
    tenders = scores.set_index("tender_id").reindex(order)["risk"].rename_axis("tender_id").reset_index()
    outputs = [output_path] + ([bidders_output] if bidders_output else [])
    with staged(outputs) as temps:
        tenders.to_csv(temps[0], index=False, float_format="%.6f")
        if bidders_output:
            who = E.score_bidders(bids, scores, index=index)[["bidder_id", "risk", "group"]]
            who.to_csv(temps[1], index=False, float_format="%.6f")
    kind = ("unsupervised" if model is None else
            "cross-market model" if isinstance(model, E.CrossMarketModel) else "supervised")
    return {"tenders": int(len(tenders)), "supervised": model is not None, "kind": kind}
