"""Loading evaluation tables and computing their digest (``testbed.dataset_digest``)."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

SUPPORTED_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")


def load_table(path: str | Path) -> pd.DataFrame:
    """Read a JSONL (one object per line), JSON (records or pandas "split"), CSV or Parquet file.

    String columns stay strings: ids such as ``"01"`` are not turned into numbers.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"dataset {str(p)!r} does not exist or is not a file; fix: pass the path of a "
            f"{'/'.join(SUPPORTED_SUFFIXES)} file"
        )
    suffix = p.suffix.lower()
    if suffix == ".jsonl":
        return pd.read_json(p, lines=True, dtype=False, convert_dates=False)
    if suffix == ".json":
        raw = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and "columns" in raw and "data" in raw:
            return pd.DataFrame(raw["data"], columns=raw["columns"])
        return pd.DataFrame(raw)
    if suffix == ".csv":
        return pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
    if suffix == ".parquet":
        return pd.read_parquet(p)
    raise ValueError(
        f"dataset {str(p)!r} has suffix {suffix!r}; supported: {list(SUPPORTED_SUFFIXES)}"
    )


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return _plain(value.item())
    return value


def dataset_digest(df: pd.DataFrame) -> str:
    """sha256 (hex) of the rows: the UTF-8 bytes of the compact JSON
    ``{"columns": [...], "data": [[...], ...]}`` in row and column order, NaN written as null."""
    payload = {
        "columns": [str(c) for c in df.columns],
        "data": [[_plain(v) for v in row] for row in df.itertuples(index=False, name=None)],
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
