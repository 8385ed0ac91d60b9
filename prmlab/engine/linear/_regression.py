"""Least squares, ridge and lasso regression (PRML §3.1, §3.1.4; scikit-learn's objectives).

- :class:`LinearRegression`: ``min ‖y − Xw − b‖²``, the normal equations ``w = (XᵀX)⁻¹Xᵀy``
  (PRML eq. 3.15), solved by least norm (``lstsq``) when ``X`` is rank-deficient;
- :class:`Ridge`: ``min ‖y − Xw − b‖² + α‖w‖²``, ``w = (XᵀX + αI)⁻¹Xᵀy`` (eq. 3.28): the MAP
  estimate under a Gaussian prior on ``w``;
- :class:`Lasso` and :func:`lasso_path`: ``min 1/(2n)‖y − Xw − b‖² + α‖w‖₁`` by coordinate
  descent: the MAP estimate under a Laplace prior, whose corners give exact zeros.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg

from prmlab.engine._validation import check_array, check_features, check_scalar
from prmlab.engine.linear import _kernels as K
from prmlab.engine.linear._common import (
    ConvergenceWarning,
    centre,
    check_fitted,
    check_regression_data,
    check_target,
)


class _LinearRegressor:
    """``predict`` for a fitted ``coef_`` (d,) and ``intercept_``."""

    coef_: np.ndarray
    intercept_: float

    def predict(self, X: Any) -> np.ndarray:
        """``X w + b`` (n,) for ``X`` (n, n_features)."""
        check_fitted(self)
        return check_features(X, self.coef_.shape[0]) @ self.coef_ + self.intercept_

    def _set_intercept(self, x_mean: np.ndarray, y_mean: float) -> None:
        self.intercept_ = float(y_mean - x_mean @ self.coef_)


class LinearRegression(_LinearRegressor):
    """Ordinary least squares: the maximum-likelihood ``w`` under Gaussian noise (PRML §3.1.1).

    ``w = (XᵀX)⁻¹Xᵀy`` on centred data (eq. 3.15), computed by ``lstsq``: when ``X`` is
    rank-deficient (fewer points than features, a repeated column) the normal equations have
    many solutions and the one of least norm ``‖w‖`` is returned, with ``note_`` saying so.

    Attributes (after ``fit``): ``coef_`` (n_features,), ``intercept_`` float, ``rank_`` (rank
    of the centred ``X``), ``singular_`` (its singular values), ``note_`` (str or None).
    """

    def __init__(self, fit_intercept: bool = True) -> None:
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any) -> LinearRegression:
        """Fit on ``X`` (n_samples, n_features) and ``y`` (n_samples,); returns self."""
        X, y = check_regression_data(X, y)
        Xc, yc, x_mean, y_mean = centre(X, y, bool(self.fit_intercept))
        coef, _, rank, singular = scipy.linalg.lstsq(Xc, yc, lapack_driver="gelsd")
        self.coef_ = np.asarray(coef, dtype=float)
        self.rank_ = int(rank)
        self.singular_ = singular
        self._set_intercept(x_mean, y_mean)
        d = X.shape[1]
        self.note_ = (
            None
            if rank == d
            else f"X has rank {rank} < {d} features (after centring): XᵀX is singular, so "
            "the least-norm solution of the normal equations was taken"
        )
        return self


class Ridge(_LinearRegressor):
    """Ridge regression, scikit-learn's objective ``‖y − Xw − b‖² + α‖w‖²`` (PRML §3.1.4).

    ``w = (XᵀX + αI)⁻¹Xᵀy`` on centred data (eq. 3.28; the intercept is not penalised): the
    MAP estimate under a zero-mean Gaussian prior ``p(w) = N(0, σ²/α I)``.

    Attributes (after ``fit``): ``coef_`` (n_features,), ``intercept_`` float.
    """

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any) -> Ridge:
        """Fit on ``X`` (n_samples, n_features) and ``y`` (n_samples,); returns self."""
        alpha = check_scalar(self.alpha, "alpha", gt=0.0)
        X, y = check_regression_data(X, y)
        Xc, yc, x_mean, y_mean = centre(X, y, bool(self.fit_intercept))
        A = Xc.T @ Xc
        A[np.diag_indices_from(A)] += alpha
        self.coef_ = scipy.linalg.solve(A, Xc.T @ yc, assume_a="pos")
        self._set_intercept(x_mean, y_mean)
        return self


def _check_path_settings(max_iter: Any, tol: Any) -> tuple[int, float]:
    return (
        check_scalar(max_iter, "max_iter", integer=True, ge=1),
        check_scalar(tol, "tol", ge=0.0),
    )


def _lasso_gram(
    X: np.ndarray, y: np.ndarray, alphas: np.ndarray, max_iter: int, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinate descent for each α of ``alphas`` in the given order, each warm-started from
    the previous one: ``(coefs (n_alphas, d), gaps, n_iter)``."""
    G = np.ascontiguousarray(X.T @ X)
    q = np.ascontiguousarray(X.T @ y)
    w = np.zeros(X.shape[1])
    return K.lasso_gram_path(G, q, float(y @ y), X.shape[0], alphas, max_iter, tol, w)


class Lasso(_LinearRegressor):
    """The lasso, scikit-learn's objective ``1/(2n)‖y − Xw − b‖² + α‖w‖₁`` (PRML §3.1.4,
    ``q = 1`` in eq. 3.29), by cyclic coordinate descent on the Gram matrix ``XᵀX``.

    The MAP estimate under a Laplace prior ``p(w) ∝ exp(−λ‖w‖₁)``: the L1 ball's corners lie on
    the axes, so the loss contours often first touch it where some ``w_j = 0``.
    Stops when the duality gap is below ``tol · ‖y − ȳ‖²`` (scikit-learn's rule); a
    ``ConvergenceWarning`` if ``max_iter`` sweeps did not get there.

    Attributes (after ``fit``): ``coef_`` (n_features,), ``intercept_`` float, ``n_iter_``,
    ``dual_gap_``.
    """

    def __init__(
        self,
        alpha: float = 1.0,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: Any, y: Any) -> Lasso:
        """Fit on ``X`` (n_samples, n_features) and ``y`` (n_samples,); returns self."""
        alpha = check_scalar(self.alpha, "alpha", gt=0.0)
        max_iter, tol = _check_path_settings(self.max_iter, self.tol)
        X, y = check_regression_data(X, y)
        Xc, yc, x_mean, y_mean = centre(X, y, bool(self.fit_intercept))
        coefs, gaps, n_iter = _lasso_gram(Xc, yc, np.array([alpha]), max_iter, tol)
        self.coef_ = coefs[0]
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(n_iter[0])
        self._set_intercept(x_mean, y_mean)
        if self.dual_gap_ >= tol * float(yc @ yc):
            warnings.warn(
                f"Lasso did not converge in max_iter={max_iter} sweeps (duality gap "
                f"{self.dual_gap_:.3g}); increase max_iter or tol, or scale the features",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self


def lasso_path(
    X: Any, y: Any, alphas: Any, *, max_iter: int = 1000, tol: float = 1e-4
) -> np.ndarray:
    """Lasso coefficients (n_alphas, n_features) for each α of ``alphas``, in their order.

    No intercept is fitted: centre ``X`` and ``y`` first for one. The αs are solved from the
    largest down, each warm-started from the previous solution (the path is continuous in α),
    with the objective and stopping rule of :class:`Lasso`.
    """
    max_iter, tol = _check_path_settings(max_iter, tol)
    X = check_array(X, "X")
    y = check_target(y, X.shape[0])
    alphas = check_array(alphas, "alphas", ndim=1)
    if (alphas <= 0.0).any():
        bad = float(alphas[np.argmax(alphas <= 0.0)])
        raise ValueError(f"alphas must all be > 0, got {bad!r}; drop or replace that value")
    order = np.argsort(-alphas, kind="stable")
    coefs, _, _ = _lasso_gram(X, y, np.ascontiguousarray(alphas[order]), max_iter, tol)
    out = np.empty_like(coefs)
    out[order] = coefs
    return out
