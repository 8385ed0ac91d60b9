"""PCA by eigen-decomposition of the covariance (n >> d) or SVD of the centred data.

PRML §12.1: the centred covariance, here ``S = X^T H X / (N - 1)`` as scikit-learn's
``explained_variance_`` (PRML's maximum-likelihood S divides by N; p-PCA uses that one), PCA's
loss ``J = sum_j u_j^T S u_j`` (s.t. ``u_j^T u_j = 1``), solved by ``S = U Lambda U^T``
or by the SVD ``H X = U Sigma V^T`` with new coordinates ``H X V``.
"""

from __future__ import annotations

import itertools
import numbers
import warnings
from typing import Any

import numba
import numpy as np
import scipy.linalg

from prmlab.engine._parallel import N_CHUNKS, chunk_range, shared_pool
from prmlab.engine._validation import (
    as_real_array,
    check_array,
    check_features,
    check_fitted,
    check_scalar,
    check_squarable,
)
from prmlab.engine.pca import _kernels

# Below this many values the data are simply centred in a copy (cheap, exact).
_SMALL_SIZE = 200_000
# Offsets up to sqrt(_OFFSET_RATIO) standard deviations let X^T X - n m m^T keep ~12 digits;
# further out the centred product is taken block by block instead.
_OFFSET_RATIO = 1e3
_BLOCK_ROWS = 8192  # rows centred at a time: the block stays in cache for the product
# Above this many columns the d x d products of the chunks are large: one BLAS call instead.
_KERNEL_MAX_FEATURES = 128


class ZeroVarianceWarning(RuntimeWarning):
    """The data have no spread at all, so variance ratios are 0 of 0 (reported as 0)."""


def centred_scatter(X: np.ndarray, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
    """Mean ``m`` (d,) and centred scatter ``sum_i (x_i - m)(x_i - m)^T`` (d, d) of ``X``
    (n, d) (float64, C-contiguous): ``X^T H X`` (H the centring matrix; PRML §12.1).

    Large X: ``_sums_and_product`` gives each column's sum (revealing any NaN or infinity) and
    ``X^T X``, then
    - when every column's mean is within ``sqrt(_OFFSET_RATIO)`` of its standard deviation,
      ``X^T X - n m m^T``: rounding is about ``eps * (1 + m_j^2 / sigma_j^2)`` relative,
      ~1e-13 here;
    - otherwise (offset data such as 1e6 + noise, or a constant column), blocks of rows are
      centred in a cached buffer before the product, so no precision is lost.
    """
    X = np.ascontiguousarray(as_real_array(X, name))  # free for the float64 arrays it expects
    n, d = X.shape
    if X.size < _SMALL_SIZE:
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below
            mean, scatter = _centred_product(X, X.mean(axis=0))
        _check_finite(X, scatter.diagonal(), name)
        return mean, scatter
    sums, product = _sums_and_product(X)
    mean = sums / n
    _check_finite(X, mean, name)
    mean_square = product.diagonal() / n
    _check_finite(X, mean_square, name)
    spread = mean_square - mean**2  # inaccurate for large offsets, but then it is tiny anyway
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(spread > 0, mean**2 / spread, np.where(mean == 0, 0.0, np.inf))
    if offset.max() <= _OFFSET_RATIO:
        return mean, product - n * np.outer(mean, mean)
    return _centred_product(X, mean)


def _sums_and_product(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column sums (d,) and ``X^T X`` (d, d) of ``X`` (n, d) in one pass over X.

    Up to ``_KERNEL_MAX_FEATURES`` columns: a ``nogil`` Numba kernel on each of ``N_CHUNKS``
    fixed chunks of rows, combined in chunk order (the same bits on any number of threads).
    The calling thread and one task on each other thread of the engine's pool take chunks
    one at a time until none is left, so a thread slowed by another program's (e.g. BLAS's
    idle threads spinning ~0.1 s after each scikit-learn call) takes fewer chunks instead of
    holding the others up (Numba's ``prange`` gives each thread a fixed share), and the caller
    works instead of waiting. Neither BLAS nor a process-wide thread limit is used. Wider X:
    one BLAS call, which blocks the d x d result well.
    """
    n, d = X.shape
    if d > _KERNEL_MAX_FEATURES:
        with np.errstate(over="ignore", invalid="ignore"):  # reported by the caller
            return X.sum(axis=0), X.T @ X
    width = _kernels.product_width(d)
    products = np.zeros((N_CHUNKS, width, width))
    claims = itertools.count()  # next() on it is atomic: each chunk is taken once

    def take_chunks() -> None:
        while (c := next(claims)) < N_CHUNKS:
            lo, hi = chunk_range.py_func(n, c, N_CHUNKS)
            _kernels.add_sums_and_product(X, lo, hi, products[c])

    pool = shared_pool()
    others = min(numba.config.NUMBA_NUM_THREADS, N_CHUNKS) - 1  # the pool's size, less the caller
    helpers = [pool.submit(take_chunks) for _ in range(others)]
    take_chunks()
    for helper in helpers:
        if not helper.cancel():  # a helper that never started (its thread was busy) is dropped
            helper.result()
    total = products.sum(axis=0)
    upper = np.triu(total[:d, :d])
    return total[:d, d].copy(), upper + np.triu(upper, 1).T


def _centred_product(X: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sum (x - m)(x - m)^T`` by blocks of centred rows; the blocks' leftover mean
    ``delta`` (rounding in ``m``) is removed exactly: ``- n delta delta^T``."""
    n, d = X.shape
    block = np.empty((min(n, _BLOCK_ROWS), d))
    scatter, residual = np.zeros((d, d)), np.zeros(d)
    for start in range(0, n, _BLOCK_ROWS):
        rows = block[: min(n - start, _BLOCK_ROWS)]
        np.subtract(X[start : start + len(rows)], mean, out=rows)
        scatter += rows.T @ rows
        residual += rows.sum(axis=0)
    delta = residual / n
    return mean + delta, scatter - n * np.outer(delta, delta)


def zero_variance_cause(X: np.ndarray) -> str:
    """Why the variance of ``X`` (n, d) came out as 0: identical rows, or spreads so small
    (below ~1e-154) that their squares underflow."""
    if np.ptp(X, axis=0).max(initial=0.0) == 0.0:
        return "all rows are identical"
    return "the spreads are too small to square in float64: rescale the columns"


def _check_finite(X: np.ndarray, summary: np.ndarray, name: str) -> None:
    """NaN or infinity anywhere in X makes ``summary`` (its sums or sums of squares)
    non-finite: name the first bad cell, or say the values overflow when squared."""
    if not np.isfinite(summary).all():
        check_array(X, name)  # raises, naming the first NaN or infinity
        # Finite X whose sums of n squares overflowed has max |x| > sqrt(max / n), above
        # check_squarable's bound sqrt(max / (4 n d)): this raises.
        check_squarable(X, name)


def flip_signs(components: np.ndarray) -> np.ndarray:
    """Make each row's largest-magnitude entry positive (scikit-learn's ``svd_flip`` with
    ``u_based_decision=False``), so the same data always give the same signs."""
    rows = np.arange(components.shape[0])
    signs = np.sign(components[rows, np.argmax(np.abs(components), axis=1)])
    signs[signs == 0] = 1.0
    return components * signs[:, None]


def check_n_components(value: Any, n_samples: int, n_features: int, *, strict: bool = False) -> int:
    """The number of components as an int in ``[1, min(n, d)]`` (``< d`` when ``strict``).

    ``None`` means all ``min(n, d)``. A float is refused, even 2.0, as scikit-learn does (PCA
    reads a float in (0, 1) as a variance fraction before calling this: ``variance_fraction``).
    """
    limit = min(n_samples, n_features) if not strict else min(n_samples, n_features - 1)
    if value is None:
        return limit
    if _is_float(value):
        raise ValueError(
            f"n_components must be an int in [1, {limit}] or None, got the float "
            f"{float(value)!r}; pass a whole number of components as an int"
        )
    k = check_scalar(value, "n_components", integer=True, ge=1)
    if k > limit:
        rule = (
            f"min(n_samples, n_features - 1) = min({n_samples}, {n_features - 1})"
            if strict
            else f"min(n_samples, n_features) = min({n_samples}, {n_features})"
        )
        raise ValueError(
            f"n_components must be <= {rule} = {limit}, got {k}; choose at most {limit}"
        )
    return k


def _is_float(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)


def variance_fraction(value: Any) -> float | None:
    """scikit-learn's float ``n_components``: a float in (0, 1) is the fraction of the total
    variance to keep; ``None`` for an int or None; any other float (1.0, 2.0) is refused,
    since ``PCA(1.0)`` would otherwise silently mean one component."""
    if not _is_float(value):
        return None
    fraction = float(value)
    if not 0.0 < fraction < 1.0:
        whole = fraction.is_integer() and fraction >= 1.0  # false for NaN and infinity
        raise ValueError(
            f"n_components as a float must be in (0, 1), the fraction of variance to keep, "
            f"got {fraction!r}"
            + (f"; for {int(fraction)} component(s) pass the int" if whole else "")
        )
    return fraction


class PCA:
    """Principal component analysis, following scikit-learn's ``PCA``.

    Parameters
    ----------
    n_components : int, float in (0, 1) or None
        Components kept, as in scikit-learn: an int in ``[1, min(n_samples, n_features)]``;
        a float in (0, 1) picks the fewest components whose cumulative explained-variance
        ratio exceeds it (other floats, such as 1.0, are refused); None keeps all
        ``min(n_samples, n_features)``.
    whiten : bool
        Scale the projections to unit variance (divide by ``sqrt(explained_variance_)``).

    Attributes (after ``fit``)
    --------------------------
    components_ : (n_components, n_features), orthonormal rows, largest entry positive.
    explained_variance_ : (n_components,), the eigenvalues ``lambda_j`` of the sample
        covariance ``X^T H X / (n - 1)``, in decreasing order.
    explained_variance_ratio_ : (n_components,), ``lambda_j / sum of all lambda``; zeros
        (with a :class:`ZeroVarianceWarning`) when the data have no variance at all.
    singular_values_ : (n_components,), ``sqrt(lambda_j (n - 1))``, the singular values of HX.
    mean_ : (n_features,).  noise_variance_ : float, mean of the discarded eigenvalues.
    total_variance_ : float, ``sum of all lambda`` (trace of the covariance).
    n_components_, n_samples_, n_features_in_ : ints.  solver_ : "eigh" or "svd".

    PRML §12.1: ``S = U Lambda U^T`` when ``n >= 10 d`` (one pass over X and a
    d x d eigen-decomposition), otherwise the SVD of the centred data ``H X = U Sigma V^T``.
    """

    def __init__(self, n_components: int | float | None = None, whiten: bool = False) -> None:
        self.n_components = n_components
        self.whiten = whiten

    def fit(self, X: Any, y: Any = None) -> PCA:
        """Fit on ``X`` (n_samples, n_features); returns self."""
        self._fit(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then return the projections ``(n_samples, n_components_)``."""
        return self._project(self._fit(X))

    def transform(self, X: Any) -> np.ndarray:
        """Coordinates ``(X - mean_) components_^T``, shape (n_samples, n_components_)
        (divided by ``sqrt(explained_variance_)`` when ``whiten``)."""
        check_fitted(self, "components_")
        return self._project(check_features(X, self.n_features_in_))

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Reconstruction ``Z components_ + mean_`` (n_samples, n_features) from projections
        ``Z`` (n_samples, n_components_); exact when every component is kept."""
        check_fitted(self, "components_")
        Z = check_features(Z, self.n_components_, "Z")
        if self.whiten:
            Z = Z * self._scale()
        return Z @ self.components_ + self.mean_

    def _scale(self) -> np.ndarray:
        # A zero-variance component projects to 0 anyway; eps keeps whitening finite.
        return np.maximum(np.sqrt(self.explained_variance_), np.finfo(float).eps)

    def _project(self, X: np.ndarray) -> np.ndarray:
        Z = (X - self.mean_) @ self.components_.T
        return Z / self._scale() if self.whiten else Z

    def _fit(self, X: Any) -> np.ndarray:
        """Fit and return the validated X (for ``fit_transform``)."""
        X = check_array(X, "X", min_rows=2, allow_nonfinite=True)
        n, d = X.shape
        fraction = variance_fraction(self.n_components)
        if fraction is None:
            check_n_components(self.n_components, n, d)
        if not isinstance(self.whiten, (bool, np.bool_)):
            raise ValueError(f"whiten must be True or False, got {self.whiten!r}")

        if n >= 10 * d:
            mean, scatter = centred_scatter(X)
            variances, vectors = scipy.linalg.eigh(scatter / (n - 1))
            variances, components = variances[::-1], vectors[:, ::-1].T
            self.solver_ = "eigh"
        else:
            X = check_array(X, "X", min_rows=2)
            mean = X.mean(axis=0)
            try:
                _, sv, components = scipy.linalg.svd(X - mean, full_matrices=False)
            except np.linalg.LinAlgError:
                _, sv, components = scipy.linalg.svd(
                    X - mean, full_matrices=False, lapack_driver="gesvd"
                )
            variances = sv**2 / (n - 1)
            self.solver_ = "svd"
        variances = np.maximum(variances, 0.0)  # eigh may return -1e-17 for a zero eigenvalue
        total = float(variances.sum())
        if total > 0.0:
            ratios = variances / total
        else:
            ratios = np.zeros_like(variances)
            warnings.warn(
                f"X has zero total variance ({zero_variance_cause(X)}): no direction has more "
                "variance than another, so explained_variance_ratio_ is 0 for every component",
                ZeroVarianceWarning,
                stacklevel=3,
            )
        if fraction is not None:
            k = int(np.searchsorted(np.cumsum(ratios), fraction, side="right")) + 1
            k = min(k, len(variances))
        else:
            k = check_n_components(self.n_components, n, d)

        self.mean_ = mean
        self.components_ = flip_signs(np.ascontiguousarray(components[:k]))
        self.explained_variance_ = variances[:k].copy()
        self.explained_variance_ratio_ = ratios[:k].copy()
        self.singular_values_ = np.sqrt(self.explained_variance_ * (n - 1))
        self.noise_variance_ = float(variances[k:].mean()) if k < len(variances) else 0.0
        self.total_variance_ = total
        self.n_components_ = k
        self.n_samples_ = n
        self.n_features_in_ = d
        return X
