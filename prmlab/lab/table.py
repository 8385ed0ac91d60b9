"""A table's rows as the 2-D points a panel draws: the one standardising and the one
projection (two columns, or the first two principal components by the engine's PCA) that
every panel using table data shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DDOF = 0  # z-scores divide by the population standard deviation, as scikit-learn's scaler
VIEWS = ("features", "pcs")


def standardise(X: np.ndarray) -> np.ndarray:
    """``X (n_samples, n_features)`` as z-scores (``ddof=0``); a constant column becomes 0
    rather than NaN (it has no spread to scale)."""
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(axis=0, ddof=DDOF)
    return (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


@dataclass(frozen=True)
class Plane:
    """Points ``(n_samples, 2)`` and the names of their two axes."""

    points: np.ndarray
    axis_names: tuple[str, str]


def plane(
    X: np.ndarray,
    feature_names: tuple[str, ...],
    *,
    view: str = "features",
    x: int = 0,
    y: int = 1,
    standardised: bool = False,
) -> Plane:
    """``X``'s rows in 2-D: the columns ``x`` and ``y`` (``view="features"``), or PC1 and
    PC2 with their share of the variance (``view="pcs"``), of the data or their z-scores."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    data = standardise(X) if standardised else np.asarray(X, dtype=np.float64)
    if view == "pcs":
        # here, not at import: the engine's PCA imports SciPy's linalg (~0.1 s of the SVM
        # panel's start-up, whose table view needs it only for a CSV shown as PCs)
        from prmlab.engine.pca import PCA

        model = PCA(2).fit(data)
        share = model.explained_variance_ratio_
        names = (f"PC1 ({100 * share[0]:.0f} % var)", f"PC2 ({100 * share[1]:.0f} % var)")
        return Plane(np.ascontiguousarray(model.transform(data)), names)
    for name, column in (("x", x), ("y", y)):
        if not 0 <= column < data.shape[1]:
            raise ValueError(
                f"{name} must be a column index in 0..{data.shape[1] - 1}, got {column}; "
                "choose one of the table's columns"
            )
    suffix = " (z)" if standardised else ""
    names = (feature_names[x] + suffix, feature_names[y] + suffix)
    return Plane(np.ascontiguousarray(data[:, [x, y]]), names)
