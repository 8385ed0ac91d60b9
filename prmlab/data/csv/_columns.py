"""From parsed columns to a Dataset: numbers, the label column, complete rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prmlab.data.csv._read import _check_not_empty
from prmlab.data.csv._sniff import _MISSING, CsvSettings
from prmlab.data.dataset import Dataset, DatasetError

MAX_CLASSES = 100
LABEL_NAMES = frozenset(
    {"class", "classes", "label", "labels", "target", "targets", "species", "category"}
)


# ------------------------------------------------------------------------------ columns


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


def _label_codes(column: pd.Series, values: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 where missing) and class names, in sorted order."""
    if values is not None:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        return codes, [f"{u:g}" for u in uniques]
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    words, missing = _category_words(cat)
    # " x" and "x" are one class; missing markers are no class
    names, lut = np.unique(words[~missing].to_numpy(dtype=str), return_inverse=True)
    table = np.full(len(words) + 1, -1)
    table[1:][~missing] = lut
    return table[cat.cat.codes.to_numpy() + 1], names.tolist()


def _choose_label(
    names: list[str], text: list[str], label_column: str | None
) -> tuple[str | None, str]:
    """The label column and why it was chosen."""
    if label_column is None:
        return None, "label column: none"
    if label_column != "auto":
        if label_column not in names:
            raise DatasetError(f"no column named {label_column!r}; the columns are {names}")
        return label_column, f"label column: {label_column!r} (chosen)"
    for name in names:
        if name.strip().lower() in LABEL_NAMES:
            return name, f"label column: {name!r} (by its name)"
    if text:
        return text[-1], f"label column: {text[-1]!r} (the last non-numeric column)"
    return None, "label column: none (no column named like class/label/target and no text column)"


def suggest_roles(frame: pd.DataFrame, settings: CsvSettings) -> dict[str, str]:
    """Default role of each column of a (preview) frame: "feature", "label" or "ignore"."""
    numeric = {c: _as_number(frame[c], settings, []) is not None for c in frame.columns}
    text = [c for c in frame.columns if not numeric[c]]
    label, _ = _choose_label(list(frame.columns), text, "auto")
    return {c: "label" if c == label else "feature" if numeric[c] else "ignore" for c in frame}


def _labels(
    columns: dict[str, pd.Series],
    values: dict[str, np.ndarray | None],
    label_column: str | None,
    notes: list[str],
) -> tuple[str | None, np.ndarray | None, list[str]]:
    """The label column, its codes (-1 where missing) and class names."""
    names = list(values)
    label, why = _choose_label(names, [c for c in names if values[c] is None], label_column)
    codes, class_names = None, []
    if label is not None:
        codes, class_names = _label_codes(columns[label], values[label])
        if len(class_names) > MAX_CLASSES:
            if label_column != "auto":
                raise DatasetError(
                    f"column {label!r} has {len(class_names):,} distinct values; "
                    f"a label column may have at most {MAX_CLASSES}"
                )
            why = f"label column: none ({label!r} has {len(class_names):,} distinct values)"
            label, codes, class_names = None, None, []
    notes.append(why)
    return label, codes, class_names


def _complete_rows(
    columns: list[np.ndarray], y: np.ndarray | None, class_names: list[str], notes: list[str]
) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """Stack feature columns as X, dropping rows with a non-finite value or no label."""

    def note(bad: np.ndarray, why: str) -> None:
        if bad.any():
            first = int(np.argmax(bad)) + 1
            notes.append(
                f"dropped {int(bad.sum()):,} row(s) with {why} (first at data row {first})"
            )

    keep = np.isfinite(columns[0])
    for column in columns[1:]:  # 1-D passes: all(axis=1) over short rows is much slower
        keep &= np.isfinite(column)
    note(~keep, "missing or non-finite values")
    if y is not None:
        unlabelled = keep & (y < 0)
        note(unlabelled, "no label")
        keep &= ~unlabelled
    if keep.all():
        return np.column_stack(columns), y, class_names
    X = np.column_stack([column[keep] for column in columns])
    if y is None or not len(X):
        return X, y, class_names
    used = np.bincount(y[keep], minlength=len(class_names)) > 0
    remap = np.cumsum(used) - 1  # renumber so that vanished classes leave no gaps
    return X, remap[y[keep]], [n for n, u in zip(class_names, used) if u]


def _to_dataset(
    columns: dict[str, pd.Series],
    settings: CsvSettings,
    label_column: str | None,
    ignore: set[str],
    notes: list[str],
    source: str,
) -> Dataset:
    _check_not_empty(len(next(iter(columns.values()))), settings, source)
    unknown = sorted(ignore - set(columns))
    if unknown:
        raise DatasetError(f"cannot ignore {unknown}: no such column(s)")
    values = {c: _as_number(v, settings, notes) for c, v in columns.items() if c not in ignore}
    label, y, class_names = _labels(columns, values, label_column, notes)
    if ignore:
        notes.append(f"ignored by choice: {', '.join(map(repr, sorted(ignore)))}")
    text = [c for c, v in values.items() if v is None and c != label]
    if text:
        notes.append(f"ignored text column(s): {', '.join(map(repr, text))}")
    features = [c for c, v in values.items() if c != label and v is not None]
    # fmin/fmax skip NaN (all-NaN gives NaN) and read contiguous columns, not X's strided ones
    low = {c: np.fmin.reduce(values[c]) for c in features}
    high = {c: np.fmax.reduce(values[c]) for c in features}
    empty = [c for c in features if np.isnan(high[c])]
    if empty:
        notes.append(f"dropped all-empty column(s): {', '.join(map(repr, empty))}")
        features = [c for c in features if c not in empty]
    if not features:
        kinds = ", ".join(f"{c!r} ({'text' if v is None else 'empty'})" for c, v in values.items())
        raise DatasetError(f"{source} has no numeric column to use as features: {kinds}")
    X, y, class_names = _complete_rows([values[c] for c in features], y, class_names, notes)
    if not len(X):
        raise DatasetError(
            f"{source}: every row has a missing, non-finite or unparsable value "
            f"in the feature columns {features}"
        )
    constant = [c for c in features if low[c] == high[c]]
    if constant and len(X) > 1:
        notes.append(f"constant column(s) kept: {', '.join(map(repr, constant))}")
    notes.append(
        f"{X.shape[0]:,} rows x {X.shape[1]} features"
        + (f", {len(class_names)} classes" if y is not None else ", no labels")
    )
    y = None if y is None else y.astype(np.int64, copy=False)
    return Dataset(X, features, y, class_names, notes, name=source)
