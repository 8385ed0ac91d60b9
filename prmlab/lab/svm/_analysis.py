"""What the SVM's views need beyond a Result: the margin's width as an arrow, the support
vectors' table, and a table's rows as the 2-D labelled points the SVM fits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from prmlab.data import Dataset
from prmlab.lab.svm._experiment import POS, PRESET_AXES, Result, State
from prmlab.lab.table import plane

if TYPE_CHECKING:
    import pandas as pd


SVC_FIELDS = ("kernel", "C", "gamma", "degree", "coef0")  # what SMO's solution depends on


def same_points(X: np.ndarray, labels: np.ndarray, state: State) -> bool:
    """Whether ``state`` holds exactly the points ``X`` and ``labels`` (a view showing them
    keeps its items)."""
    return np.array_equal(X, state.X) and np.array_equal(labels, state.labels)


def same_fit(a: State, b: State) -> bool:
    """Whether SMO runs the same on ``a`` and ``b``: the same points and SVC parameters
    (the map's extent, the view and the replay's position may differ), so a replay of one
    is a replay of the other."""
    return same_points(a.X, a.labels, b) and all(
        getattr(a, name) == getattr(b, name) for name in SVC_FIELDS
    )


@dataclass(frozen=True)
class MarginArrow:
    """Linear kernel: from ``lo`` (f = -1) to ``hi`` (f = +1) along ``w``, through the
    support vectors' centre; ``width`` = 2/‖w‖."""

    lo: np.ndarray
    hi: np.ndarray
    w: np.ndarray
    width: float


def margin_arrow(result: Result) -> MarginArrow | None:
    """The margin's width across it, or None (not the linear kernel, no support vector)."""
    sv = result.alpha > 0
    if result.kernel != "linear" or not sv.any():
        return None
    w = (result.alpha * result.y) @ result.X
    n2 = float(w @ w)
    if not n2 > 0:
        return None
    centre = result.X[sv].mean(axis=0)
    p0 = centre - (w @ centre + result.b) / n2 * w
    return MarginArrow(p0 - w / n2, p0 + w / n2, w, 2 / math.sqrt(n2))


def support_vector_table(state: State, result: Result) -> pd.DataFrame:
    """The support vectors: coordinates, class, α, α·y, whether α = C, f(x); b in attrs."""
    import pandas as pd  # here, not at start-up (~0.3 s)

    sv = np.flatnonzero(result.alpha > 0)
    y = np.where(result.labels[sv] == POS, 1, -1)
    names = np.array(state.class_names)[result.labels[sv]]
    axes = ("x1", "x2") if state.axis_names == PRESET_AXES else state.axis_names
    df = pd.DataFrame(
        {
            "index": sv,
            axes[0]: result.X[sv, 0],
            axes[1]: result.X[sv, 1],
            "class": names,
            "y": y,
            "alpha": result.alpha[sv],
            "alpha_y": result.alpha[sv] * y,
            "alpha_at_C": result.at_c[sv],
            "f(x)": result.f_train[sv],
            "b": result.b,  # the intercept of f(x) = sum alpha_y K(x_i, x) + b
        }
    )
    df.attrs["intercept_b"] = result.b
    df.attrs["kernel"] = result.kernel
    return df


@dataclass(frozen=True)
class TablePoints:
    """A table's rows of two classes as the SVM's points: ``X (n, 2)``, ``labels`` (the
    second class is +1), the axes' names and a note when the scales call for standardising."""

    X: np.ndarray
    labels: np.ndarray
    axis_names: tuple[str, str]
    scale_note: str


def table_points(
    ds: Dataset, cols: tuple[int, int], classes: tuple[int, int], pca: bool, standardise: bool
) -> TablePoints:
    """Rows of ``classes`` as 2-D points: the columns ``cols``, or the first two principal
    components, of the data or of their z-scores (``prmlab.lab.table``'s one projection)."""
    rows = np.isin(ds.y, classes)
    labels = (ds.y[rows] == classes[1]).astype(np.int64)
    shown = plane(
        ds.X[rows],
        tuple(ds.feature_names),
        view="pcs" if pca else "features",
        x=cols[0],
        y=cols[1],
        standardised=standardise,
    )
    note = "" if standardise else scale_note(shown.points)
    return TablePoints(shown.points, labels, shown.axis_names, note)


def scale_note(X: np.ndarray) -> str:
    """A note when the two coordinates' scales are large or unequal (else "")."""
    sd = X.std(axis=0)
    if sd.max() > 100 or sd.max() > 30 * max(sd.min(), 1e-300):
        return (
            f"The features' scales are large or unequal (std {sd[0]:.3g} and {sd[1]:.3g}): "
            "tick Standardise, since γ, C and SMO's tolerance act on raw distances."
        )
    return ""
