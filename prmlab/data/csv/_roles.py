"""The one rule for a column's default role: feature, label or ignored.

``load_csv``/``--data`` apply it to the whole file, the CSV dialog to its preview: both call
:func:`suggest_roles`. The label is, in order: a column named like class/label/target; the
last column when line 1 named its classes (scikit-learn's files); the last text column.
Never a label by default: dates, a column with one value per row (an identifier such as a
state's name), one with more than ``MAX_CLASSES`` values. Dates are not features by default
either; a column of calendar years stays a feature, with a hint that it may not be one.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from prmlab.data.csv._sniff import CsvSettings
from prmlab.data.csv._values import _as_number, _category_words

MAX_CLASSES = 100
LABEL_NAMES = frozenset(
    {"class", "classes", "label", "labels", "target", "targets", "species", "category"}
)
MIN_ROWS_FOR_IDENTIFIER = 10  # below this, a class per row is just a small table
YEARS = (1800, 2100)  # integers all in here read as calendar years
DATE_SAMPLE = 200  # distinct texts tried as dates (dateutil parses ~20k a second)
_HAS_DIGIT = re.compile(r"\d")


@dataclass
class Roles:
    """Each column's role ("feature", "label", "ignore"), the label, why, and hints.

    ``hints`` holds a sentence per column whose role a person may want to change (dates,
    identifiers, years, class names that did not fit).
    """

    roles: dict[str, str]
    label: str | None
    why: str
    hints: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # "number", "year", "date", "text"

    def unlabelled(self, column: str) -> str:
        """The role ``column`` takes when it is not the label: numbers and years are
        features, dates and text are ignored."""
        return "feature" if self.kinds.get(column) in ("number", "year") else "ignore"


def _finite_value_outside(values: np.ndarray, low: float, high: float) -> bool:
    """True when the NaN-skipping minimum or maximum of ``values`` is finite and outside
    [low, high]: a typical measurement column is ruled out in two passes without copying its
    finite values (False says nothing: the caller then checks the finite values)."""
    smallest = np.fmin.reduce(values, initial=np.inf)
    largest = np.fmax.reduce(values, initial=-np.inf)
    return bool(
        (np.isfinite(smallest) and smallest < low) or (np.isfinite(largest) and largest > high)
    )


def _is_yyyymmdd(values: np.ndarray) -> bool:
    if _finite_value_outside(values, 1700_01_01, 2200_12_31):
        return False
    v = values[np.isfinite(values)]
    if not v.size or v.min() < 1700_01_01 or v.max() > 2200_12_31 or np.any(v != np.floor(v)):
        return False
    month, day = (v // 100) % 100, v % 100
    return bool(np.all((month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)))


def _is_years(values: np.ndarray) -> bool:
    if _finite_value_outside(values, *YEARS):
        return False
    v = values[np.isfinite(values)]
    if not v.size or v.min() < YEARS[0] or v.max() > YEARS[1]:
        return False
    return bool(np.all(v == np.floor(v)))


def _words(column: pd.Series) -> pd.Series:
    """The distinct non-missing texts of a column, stripped."""
    words, missing = _category_words(column.astype("category"))
    return words[~missing].drop_duplicates()


def _is_date_text(words: pd.Series) -> bool:
    """Most of (a sample of) the texts are dates with digits in them ("Jan 1 2000", "2020-03-01").

    Digits are required: dateutil reads "May" or "March" alone as a date this year.
    """
    sample = words.iloc[:DATE_SAMPLE]
    if not len(sample) or not sample.str.contains(_HAS_DIGIT).all():
        return False
    with warnings.catch_warnings():  # pandas' deprecation notes ("1974Q1") are not the user's
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _distinct(column: pd.Series, values: np.ndarray | None) -> int:
    if values is None:
        return len(_words(column))
    return len(np.unique(values[np.isfinite(values)]))


def _present(column: pd.Series, values: np.ndarray | None) -> int:
    if values is not None:
        return int(np.count_nonzero(np.isfinite(values)))
    # per distinct word, not per cell: a million-row text column has a few hundred words
    cat = column.astype("category")
    _, missing = _category_words(cat)
    codes = cat.cat.codes.to_numpy()
    return int(np.count_nonzero(~np.concatenate([[True], missing])[codes + 1]))


def class_codes_fit(values: np.ndarray | None, class_names: tuple[str, ...]) -> bool:
    """Whether ``values`` are integer codes 0 .. len(class_names)-1 (missing allowed)."""
    if values is None or not class_names:
        return False
    v = values[np.isfinite(values)]
    return bool(v.size) and bool(np.all((v == np.floor(v)) & (v >= 0) & (v < len(class_names))))


def _kinds(
    columns: dict[str, pd.Series], values: dict[str, np.ndarray | None]
) -> tuple[dict[str, str], dict[str, str]]:
    """Per column "number", "text", "date" or "year", with hints for dates and years."""
    kinds, hints = {}, {}
    for name, column in columns.items():
        v = values[name]
        if v is not None and _is_yyyymmdd(v):
            kinds[name] = "date"
            hints[name] = (
                f"column {name!r} holds dates (yyyymmdd numbers): not a feature unless you "
                "choose it"
            )
        elif v is None and _is_date_text(_words(column)):
            kinds[name] = "date"
            hints[name] = f"column {name!r} holds dates: not a feature unless you choose it"
        elif v is not None and _is_years(v):
            kinds[name] = "year"
            low, high = np.nanmin(v), np.nanmax(v)
            span = f"{low:g}" if low == high else f"{low:g}-{high:g}"
            hints[name] = (
                f"column {name!r} looks like calendar years ({span}): kept as a "
                "feature (choose 'ignore' if it is not a measurement)"
            )
        else:
            kinds[name] = "number" if v is not None else "text"
    return kinds, hints


def _why_not_label(column: pd.Series, values: np.ndarray | None, kind: str) -> str:
    """Why a column cannot be the default label ("" when it can)."""
    if kind == "date":
        return "holds dates"
    distinct = _distinct(column, values)
    if distinct > MAX_CLASSES:
        return f"has {distinct:,} distinct values"
    present = _present(column, values)
    if present >= MIN_ROWS_FOR_IDENTIFIER and distinct == present:
        return f"has {distinct:,} distinct values, one per row: an identifier, not a class"
    return ""


def suggest_roles(
    columns: dict[str, pd.Series] | pd.DataFrame,
    settings: CsvSettings,
    values: dict[str, np.ndarray | None] | None = None,
) -> Roles:
    """Default roles of the columns of a whole table or of a preview frame.

    ``values``: each column as float numbers, None for text (computed when not given).
    """
    columns = {str(c): columns[c] for c in columns}
    if values is None:
        values = {c: _as_number(s, settings, []) for c, s in columns.items()}
    kinds, hints = _kinds(columns, values)
    names = list(columns)
    candidates = [c for c in names if c.strip().lower() in LABEL_NAMES]
    reasons = [f"label column: {c!r} (by its name)" for c in candidates]
    last = names[-1]
    if settings.class_names:
        if class_codes_fit(values[last], settings.class_names):
            candidates.append(last)
            reasons.append(f"label column: {last!r} (its codes name the classes on line 1)")
        else:
            hints[last] = (
                f"the class names on line 1 were not used: column {last!r} does not hold "
                f"codes 0-{len(settings.class_names) - 1}"
            )
    text = [c for c in names if kinds[c] == "text"]
    if text:
        candidates.append(text[-1])
        reasons.append(f"label column: {text[-1]!r} (the last non-numeric column)")
    label, why = (
        None,
        "label column: none (no column named like class/label/target, no text column)",
    )
    refused = []
    for name, reason in zip(candidates, reasons):
        problem = _why_not_label(columns[name], values[name], kinds[name])
        if not problem:
            label, why = name, reason
            break
        refused.append(f"{name!r} {problem}")
    if label is None and refused:
        why = f"label column: none ({', '.join(refused)})"
    found = Roles({}, label, why, hints, kinds)
    found.roles.update({c: "label" if c == label else found.unlabelled(c) for c in names})
    return found
