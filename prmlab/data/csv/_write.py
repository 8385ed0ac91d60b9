"""Writing a table as CSV, quoting text cells a spreadsheet would run as formulas."""

from __future__ import annotations

import os
from typing import TextIO

import pandas as pd

# OWASP's CSV-injection prefixes: a spreadsheet evaluates a cell starting with one of these
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """``value`` with a ``'`` in front if it is text a spreadsheet would run as a formula.

    Only ``str`` values are changed: numbers (``-1.5``, ``numpy.float64(-2)``), missing
    values and everything else come back as they are, so a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | os.PathLike | TextIO) -> None:
    """Write ``frame`` without its index; text starting with = + - @ tab or CR gets a ``'``.

    The quote stops spreadsheets from running text cells as formulas (OWASP CSV injection);
    it also changes text that merely looks like one, e.g. a typed expression ``-x**2/2``,
    which is the safe choice. Numeric cells, even in a column of mixed types, and numeric
    column names are never touched. ``path`` may be an open text file. Raises OSError if
    the file cannot be written.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not pd.api.types.is_numeric_dtype(column):  # numeric columns hold no text: skip
            out[name] = column.astype(object).map(escape_formula)
    out.columns = [escape_formula(name) for name in out.columns]
    out.to_csv(path, index=False)
