"""A table's columns as the panel's points: (x, y) for regression, two features and two
classes for the classifiers."""

from __future__ import annotations

import numpy as np

from prmlab.lab.linear._state import State


def from_table(
    state: State,
    X: np.ndarray,
    y: np.ndarray | None,
    names: tuple[str, str],
    classes: tuple[int, int] | None,
    source: str,
) -> State:
    """``state`` with the points of the table's two columns ``X (n, 2)``: for regression the
    first is x and the second y; otherwise ``y``'s class codes ``classes`` become 0 and 1
    (other rows are left out). Rows with a missing value are dropped."""
    X = np.asarray(X, float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"pick two columns, got {X.shape[-1] if X.ndim == 2 else X.ndim}")
    keep = np.all(np.isfinite(X), axis=1)
    labels = np.zeros(len(X), np.int64)
    if state.classifying:
        if y is None or classes is None:
            raise ValueError(
                "the classifiers need a class column: choose one as the label when opening the CSV"
            )
        if classes[0] == classes[1]:
            raise ValueError("choose two different classes for class 0 and class 1")
        codes = np.asarray(y)
        keep &= np.isin(codes, classes)
        labels = np.where(codes == classes[1], 1, 0).astype(np.int64)
    return state.replace(
        X=np.ascontiguousarray(X[keep]),
        labels=labels[keep],
        axis_names=(str(names[0]), str(names[1])),
        source=source,
        position=0,
        n_train=0,
    )
