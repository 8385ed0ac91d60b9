"""From parsed columns to a Dataset: numbers, the label column, complete rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prmlab.data.csv._read import _check_not_empty
from prmlab.data.csv._roles import MAX_CLASSES, class_codes_fit, suggest_roles
from prmlab.data.csv._sniff import CsvSettings
from prmlab.data.csv._values import _as_number, _category_words
from prmlab.data.dataset import Dataset, DatasetError

# ------------------------------------------------------------------------------ columns


def _label_codes(
    column: pd.Series, values: np.ndarray | None, class_names: tuple[str, ...] = ()
) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 where missing) and class names, in sorted order.

    ``class_names`` name numeric codes 0, 1, ... (scikit-learn's line 1); classes without
    rows are left out, as for any other label column.
    """
    if values is not None:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        if class_codes_fit(values, class_names):
            return codes, [class_names[int(u)] for u in uniques]
        return codes, [f"{u:g}" for u in uniques]
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    words, missing = _category_words(cat)
    # " x" and "x" are one class; missing markers are no class
    names, lut = np.unique(words[~missing].to_numpy(dtype=str), return_inverse=True)
    table = np.full(len(words) + 1, -1)
    table[1:][~missing] = lut
    return table[cat.cat.codes.to_numpy() + 1], names.tolist()


def _chosen_label(names: list[str], label_column: str | None) -> tuple[str | None, str]:
    """A label column the caller named (or None), checked, and the note saying so."""
    if label_column is None:
        return None, "label column: none"
    if label_column not in names:
        raise DatasetError(f"no column named {label_column!r}; the columns are {names}")
    return label_column, f"label column: {label_column!r} (chosen)"


def _roles(
    columns: dict[str, pd.Series],
    values: dict[str, np.ndarray | None],
    settings: CsvSettings,
    label_column: str | None,
    notes: list[str],
) -> tuple[str | None, list[str]]:
    """The label column and the feature columns: the default rule for "auto", else the
    caller's label with every other numeric column."""
    if label_column == "auto":
        roles = suggest_roles({c: columns[c] for c in values}, settings, values)
        notes.append(roles.why)
        notes.extend(roles.hints.values())
        return roles.label, [c for c, r in roles.roles.items() if r == "feature"]
    label, why = _chosen_label(list(values), label_column)
    notes.append(why)
    return label, [c for c, v in values.items() if c != label and v is not None]


def _labels(
    column: pd.Series, values: np.ndarray | None, settings: CsvSettings, name: str
) -> tuple[np.ndarray, list[str]]:
    """The label column's codes (-1 where missing) and class names."""
    codes, class_names = _label_codes(column, values, settings.class_names)
    if len(class_names) > MAX_CLASSES:
        raise DatasetError(
            f"column {name!r} has {len(class_names):,} distinct values; a label column may "
            f"have at most {MAX_CLASSES}: choose another label column, or none"
        )
    return codes, class_names


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


def _unused_because(name: str, values: np.ndarray | None, label: str | None, empty: list) -> str:
    if values is None:
        return "text"
    if name == label:
        return "the label"
    return "empty" if name in empty else "a date"


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
    label, features = _roles(columns, values, settings, label_column, notes)
    y, class_names = None, []
    if label is not None:
        y, class_names = _labels(columns[label], values[label], settings, label)
    if ignore:
        notes.append(f"ignored by choice: {', '.join(map(repr, sorted(ignore)))}")
    text = [c for c, v in values.items() if v is None and c != label]
    if text:
        notes.append(f"ignored text column(s): {', '.join(map(repr, text))}")
    # fmin/fmax skip NaN (all-NaN gives NaN) and read contiguous columns, not X's strided ones
    low = {c: np.fmin.reduce(values[c]) for c in features}
    high = {c: np.fmax.reduce(values[c]) for c in features}
    empty = [c for c in features if np.isnan(high[c])]
    if empty:
        notes.append(f"dropped all-empty column(s): {', '.join(map(repr, empty))}")
        features = [c for c in features if c not in empty]
    if not features:
        kinds = ", ".join(
            f"{c!r} ({_unused_because(c, v, label, empty)})" for c, v in values.items()
        )
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
