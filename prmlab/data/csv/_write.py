"""Writing a table as CSV, quoting cells a spreadsheet would run as formulas."""

from __future__ import annotations

import os

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV-injection prefixes


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``frame`` without its index; text starting with = + - @ tab or CR gets a ``'``.

    The quote stops spreadsheets from running cells as formulas (OWASP CSV injection).
    Numbers are untouched. Raises OSError if the file cannot be written.
    """

    def escape(text: pd.Series) -> pd.Series:
        s = text.astype(str)
        return text.where(~s.str.startswith(_FORMULA_START) | text.isna(), "'" + s)

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not pd.api.types.is_numeric_dtype(column) or isinstance(
            column.dtype, pd.CategoricalDtype
        ):
            out[name] = escape(column.astype(object))
    out.columns = escape(pd.Series([str(c) for c in out.columns], dtype=object)).tolist()
    out.to_csv(path, index=False)
