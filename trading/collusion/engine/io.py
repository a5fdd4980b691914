"""Read and validate bid files into the canonical bid table.

Canonical columns: ``tender_id, bidder_id, amount, date, is_winner, reserve_price``
(only ``tender_id`` and ``amount`` are required), optional ``collusive`` (0/1 label)
and optional submission-signal columns (see ``SIGNAL_COLUMNS``).

Row numbers in errors are 1-based *data* rows: row 1 is the first line after the
header (line 2 of a CSV file).  Row 0 means "the file as a whole".
"""
from __future__ import annotations

import io as _io
import os

import numpy as np
import pandas as pd

REQUIRED = ("tender_id", "amount")
OPTIONAL = ("bidder_id", "date", "is_winner", "reserve_price", "collusive")
SIGNAL_COLUMNS = ("ip", "device", "bank_account", "phone", "email",
                  "project_manager", "attachment_hash", "doc_author", "doc_template", "security_account")
ENTITY_COLUMNS = ("buyer_id", "disqualified")
CANONICAL = REQUIRED + OPTIONAL + SIGNAL_COLUMNS + ENTITY_COLUMNS

_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n"}


class BidDataError(ValueError):
    """Bad input. ``row`` is the 1-based data row (0 = whole file)."""

    def __init__(self, row: int, column: str | None, reason: str):
        self.row, self.column, self.reason = row, column, reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = "file" if not self.row else f"row {self.row}"
        col = f", column '{self.column}'" if self.column else ""
        return f"{where}{col}: {self.reason}"


def read_bids(path_or_buffer, mapping: dict[str, str] | None = None, *,
              date_unit: str | None = None) -> pd.DataFrame:
    """Read a CSV of bids and return the canonical, validated table.

    ``mapping`` maps canonical name -> column name in the file; canonical names
    not in the mapping are looked up under their own name.  ``date_unit``:
    ``None`` = ISO ``YYYY-MM-DD`` dates only; ``"s"`` = numeric Unix seconds;
    ``"D"`` = numeric day numbers (days since 1970-01-01) are also accepted.
    """
    try:
        if isinstance(path_or_buffer, (str, os.PathLike)) and os.path.getsize(path_or_buffer) == 0:
            raise BidDataError(0, None, "empty file")
        raw = pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False,
                          skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise BidDataError(0, None, "empty file") from None
    except pd.errors.ParserError as exc:
        raise BidDataError(0, None, f"not a readable CSV ({str(exc).splitlines()[0]})") from None
    return coerce_bids(raw, mapping, date_unit=date_unit)


def read_bids_text(text: str, mapping=None, **kw) -> pd.DataFrame:
    """Convenience for tests: ``read_bids`` on a string."""
    return read_bids(_io.StringIO(text), mapping, **kw)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def _blank(s: pd.Series) -> np.ndarray:
    return s.isna().to_numpy() | (s.astype(str).str.strip() == "").to_numpy()


def _numeric(s: pd.Series, col: str, *, required: bool, nonneg: bool = True) -> np.ndarray:
    blank = _blank(s)
    if required and blank.any():
        raise BidDataError(_first_bad(blank), col, "value is missing")
    vals = pd.to_numeric(s.where(~blank), errors="coerce").to_numpy(dtype=float)
    bad = ~blank & ~np.isfinite(vals)
    if bad.any():
        r = _first_bad(bad)
        raise BidDataError(r, col, f"not a finite number: {str(s.iloc[r - 1])[:40]!r}")
    if nonneg and (vals < 0).any():
        raise BidDataError(_first_bad(vals < 0), col, "must not be negative")
    return vals


def _dates(s: pd.Series, unit: str | None) -> np.ndarray:
    blank = _blank(s)
    txt = s.astype(str).str.strip()
    iso = pd.to_datetime(txt.where(~blank), format="%Y-%m-%d", errors="coerce")
    out = iso.to_numpy(dtype="datetime64[ns]").copy()
    if unit is not None:
        if unit not in ("s", "D"):
            raise ValueError("date_unit must be None, 's' or 'D'")
        num = pd.to_numeric(txt.where(~blank & iso.isna()), errors="coerce").to_numpy(dtype=float)
        # -9223372037 (s) / -106751992 (D) is pandas' NaT exported as a number: missing
        nat = np.isfinite(num) & (num <= np.iinfo("int64").min / (1e9 if unit == "s" else 8.64e13) + 1)
        blank = blank | nat
        ok = np.isfinite(num) & ~nat & (np.abs(num) < (9e9 if unit == "s" else 1e8))
        scale = 1_000_000_000 if unit == "s" else 86_400_000_000_000
        out[ok] = (num[ok] * scale).astype("int64").astype("datetime64[ns]")
    bad = ~blank & np.isnat(out)
    if bad.any():
        r = _first_bad(bad)
        raise BidDataError(r, "date", f"bad date {txt.iloc[r - 1][:40]!r} (expected YYYY-MM-DD)")
    return out


def _flag(s: pd.Series, col: str) -> np.ndarray:
    t = s.astype(str).str.strip().str.lower()
    out = np.full(len(s), np.nan)
    out[t.isin(_TRUE).to_numpy()] = 1.0
    out[t.isin(_FALSE).to_numpy()] = 0.0
    bad = ~_blank(s) & np.isnan(out)
    if bad.any():
        r = _first_bad(bad)
        raise BidDataError(r, col, f"expected 0/1, got {t.iloc[r - 1][:40]!r}")
    return out


def coerce_bids(raw: pd.DataFrame, mapping: dict[str, str] | None = None, *,
                date_unit: str | None = None) -> pd.DataFrame:
    """Validate/coerce an already-loaded frame (strings or numbers) to canonical form."""
    mapping = dict(mapping or {})
    unknown = set(mapping) - set(CANONICAL)
    if unknown:
        raise BidDataError(0, sorted(unknown)[0], "unknown canonical column in mapping")
    if len(raw) == 0:
        raise BidDataError(0, None, "empty file (no data rows)")
    src = {c: mapping.get(c, c) for c in CANONICAL}
    for c in REQUIRED:
        if src[c] not in raw.columns:
            name = src[c] if src[c] == c else f"{src[c]}' (for '{c}"
            raise BidDataError(0, name, "required column is missing")
    for c, col in mapping.items():
        if col not in raw.columns:
            raise BidDataError(0, col, f"mapped column for '{c}' is missing")
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    tid = raw[src["tender_id"]]
    blank = _blank(tid)
    if blank.any():
        raise BidDataError(_first_bad(blank), "tender_id", "value is missing")
    out["tender_id"] = tid.astype(str).str.strip().to_numpy()
    if src["bidder_id"] in raw.columns:
        b = raw[src["bidder_id"]]
        out["bidder_id"] = b.astype(str).str.strip().where(~_blank(b)).to_numpy()
    else:
        out["bidder_id"] = pd.Series(np.nan, index=out.index, dtype=object)
    out["amount"] = _numeric(raw[src["amount"]], "amount", required=True)
    out["date"] = (_dates(raw[src["date"]], date_unit)
                   if src["date"] in raw.columns else np.datetime64("NaT", "ns"))
    out["is_winner"] = (_flag(raw[src["is_winner"]], "is_winner")
                        if src["is_winner"] in raw.columns else np.nan)
    out["reserve_price"] = (_numeric(raw[src["reserve_price"]], "reserve_price", required=False)
                            if src["reserve_price"] in raw.columns else np.nan)
    if src["collusive"] in raw.columns:
        lab = _flag(raw[src["collusive"]], "collusive")
        if np.isnan(lab).any():
            raise BidDataError(_first_bad(np.isnan(lab)), "collusive", "label is missing")
        out["collusive"] = lab.astype(int)
    for c in SIGNAL_COLUMNS + ("buyer_id",):
        if src[c] in raw.columns:
            v = raw[src[c]]
            out[c] = v.astype(str).str.strip().where(~_blank(v)).to_numpy()
    if src["disqualified"] in raw.columns:
        out["disqualified"] = _flag(raw[src["disqualified"]], "disqualified")
    return out
