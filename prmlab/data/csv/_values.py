"""A parsed column's cells as numbers (None when it is text)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prmlab.data.csv._cells import _MISSING
from prmlab.data.csv._sniff import CsvSettings


def _category_words(cat: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped category strings and, per category, whether it is a missing marker.

    Stripping here instead of pandas' ``skipinitialspace`` keeps clean files on the fast path.
    """
    words = pd.Series(cat.cat.categories.astype(str)).str.strip()
    return words, words.str.upper().isin(_MISSING).to_numpy()


def _as_number(column: pd.Series, settings: CsvSettings, notes: list[str]) -> np.ndarray | None:
    """Float values of a column, or None when it is text (under 90% of its cells numbers)."""
    name = column.name
    if pd.api.types.is_bool_dtype(column):
        notes.append(f"column {name!r} holds true/false: read as 1/0")
        return column.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    # Text (or mixed) cells: judge each distinct word once, then map the codes.
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    words, missing = _category_words(cat)
    if settings.thousands:
        words = words.str.replace(settings.thousands, "", regex=False)
    if settings.decimal != ".":
        words = words.str.replace(settings.decimal, ".", regex=False)
    numbers = pd.to_numeric(words, errors="coerce").to_numpy(dtype=np.float64)
    numbers = np.where(missing, np.nan, numbers)
    is_text = np.concatenate([[False], ~missing & np.isnan(numbers)])
    codes = cat.cat.codes.to_numpy() + 1  # 0: missing in the file
    present = np.count_nonzero(codes) - np.count_nonzero(missing[codes[codes > 0] - 1])
    text_cells = np.flatnonzero(is_text[codes])
    if present == 0 or text_cells.size > 0.1 * present:
        return None if present else np.full(len(codes), np.nan)
    if text_cells.size:
        example = cat.cat.categories[codes[text_cells[0]] - 1]
        notes.append(
            f"column {name!r}: {text_cells.size} cell(s) are not numbers and count as missing "
            f"(first at data row {text_cells[0] + 1}: {str(example)!r})"
        )
    return np.concatenate([[np.nan], numbers])[codes]
