"""Checks and small helpers shared by the linear models: fitted state, feature counts,
targets, class labels and centring."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from prmlab.engine._validation import check_array, check_labels
from prmlab.engine._validation import check_fitted as check_model_fitted


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped at ``max_iter`` (or ``max_epochs``) before meeting its ``tol``."""


def check_fitted(model: Any, attribute: str = "coef_") -> None:
    """Raise a ``ValueError`` if the linear ``model`` has no ``attribute`` yet."""
    check_model_fitted(model, attribute, "fit(X, y)")


def check_target(y: Any, n_samples: int, name: str = "y") -> np.ndarray:
    """A real, finite regression target ``(n_samples,)``, or a ``ValueError``."""
    y = check_array(y, name, ndim=(1, 2))
    if y.ndim == 2 and y.shape[1] == 1:
        y = np.ascontiguousarray(y[:, 0])
    if y.ndim != 1 or y.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have one value per row of X ({n_samples}), got shape {y.shape}; "
            "pass a 1-D array as long as X"
        )
    return y


def check_regression_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, d) and ``y`` (n,) as finite float64 arrays of matching length."""
    X = check_array(X, "X")
    return X, check_target(y, X.shape[0])


def encode_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(classes (K,) sorted, codes (n,) int64 in 0..K-1)`` as ``np.unique(return_inverse)``.

    Integer labels with a small range are coded by counting (linear time); anything else by
    sorting.
    """
    if y.dtype.kind in "iub" and y.size:
        low, high = int(y.min()), int(y.max())
        if high - low <= 4 * y.size + 1024:
            offset = y.astype(np.int64) - low
            present = np.bincount(offset, minlength=high - low + 1) > 0
            classes = np.flatnonzero(present) + low
            lookup = np.cumsum(present) - 1
            return classes.astype(y.dtype), lookup[offset]
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.astype(np.int64).ravel()


def check_classification_data(
    X: Any, y: Any, min_rows: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X (n, d) finite float64, classes (K,), codes (n,) int64)`` with ``K >= 2``."""
    X = check_array(X, "X", min_rows=min_rows)
    y = check_labels(y, X.shape[0])
    classes, codes = encode_labels(y)
    if len(classes) < 2:
        raise ValueError(
            f"y must contain at least 2 classes, got 1 ({classes.tolist()!r}); label some "
            "points with another class"
        )
    return X, classes, codes


def centre(
    X: np.ndarray, y: np.ndarray, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(X - x̄, y - ȳ, x̄, ȳ)`` when fitting an intercept, else the data and zeros: the
    intercept of a least-squares fit is then ``ȳ - x̄ᵀw`` (PRML §3.1.1, eq. 3.19)."""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean = X.mean(axis=0)
    y_mean = float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``scores`` (n, K), stable for large scores; a new array."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


# Up to this many unknowns a triangular or positive-definite system is solved in NumPy by
# substitution: SciPy's LAPACK calls cost 3–25 ms each on a 2 x 2 or 3 x 3 system on a loaded
# machine (a 16-point QDA fit + predict took ~50 ms, a 2,000-point Newton fit ~30 ms).
SUBSTITUTION_MAX = 8


def solve_lower(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``L⁻¹ B`` for a lower-triangular ``L`` (d, d) and ``B`` (d, ...)."""
    if L.shape[0] > SUBSTITUTION_MAX:
        return scipy.linalg.solve_triangular(L, B, lower=True)
    z = np.empty(B.shape, np.result_type(L, B, float))
    for i in range(L.shape[0]):  # forward substitution: d passes over B's columns
        z[i] = (B[i] - L[i, :i] @ z[:i]) / L[i, i]
    return z


def solve_positive(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``H⁻¹ g`` for a symmetric positive-definite ``H`` (d, d) by Cholesky, ``H = L Lᵀ``;
    ``np.linalg.LinAlgError`` or ``scipy.linalg.LinAlgError`` if it is not."""
    if H.shape[0] > SUBSTITUTION_MAX:
        return scipy.linalg.solve(H, g, assume_a="pos")
    L = np.linalg.cholesky(H)
    z = solve_lower(L, g)
    return solve_lower(L.T[::-1, ::-1], z[::-1])[::-1]  # Lᵀ x = z, its rows reversed
