"""Generative classifiers with Gaussian class densities (PRML §4.2): Gaussian discriminant
analysis (LDA with a shared covariance, QDA with one per class) and Gaussian naive Bayes.

Each models ``p(x | C_k) p(C_k)`` and classifies by Bayes' theorem,
``p(C_k | x) = softmax_k(a_k)`` with ``a_k = log p(x | C_k) + log p(C_k)`` (eq. 4.62–4.63).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.special

from prmlab.engine._validation import check_array, check_features, check_scalar
from prmlab.engine.linear import _kernels as K
from prmlab.engine.linear._chunks import map_chunks
from prmlab.engine.linear._common import (
    check_classification_data,
    check_fitted,
    softmax_rows,
    solve_lower,
)

# A covariance whose smallest eigenvalue is below this fraction of its largest is singular.
_SINGULAR = 1e-12


def class_statistics(
    X: np.ndarray, codes: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(counts (K,), means (K, d), scatters (K, d, d))`` with
    ``S_k = Σ_{n in k} (xₙ − m_k)(xₙ − m_k)ᵀ``, in two chunked passes over ``X``."""
    n = X.shape[0]
    sums = map_chunks(K.class_sums_rows, n, X, codes, n_classes)
    counts = sum(part[0] for part in sums)
    means = sum(part[1] for part in sums) / counts[:, None]
    lower = np.tril(sum(map_chunks(K.class_scatters_rows, n, X, codes, means)))
    return counts, means, lower + np.tril(lower, -1).transpose(0, 2, 1)


def _check_priors(priors: Any, counts: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The class priors: the class frequencies for ``None``, else ``priors`` checked."""
    if priors is None:
        return counts / counts.sum()
    p = check_array(priors, "priors", ndim=1)
    if p.shape[0] != len(classes):
        raise ValueError(
            f"priors must have one entry per class ({len(classes)}: {classes.tolist()!r}), got "
            f"{p.shape[0]}; pass None for the class frequencies"
        )
    if (p <= 0.0).any() or abs(p.sum() - 1.0) > 1e-8:
        raise ValueError(
            f"priors must be > 0 and sum to 1, got {p.tolist()!r}; divide them by their sum"
        )
    return p


def _too_few(label: Any, count: float, need: int, fix: str) -> ValueError:
    return ValueError(
        f"y has {int(count)} point(s) in class {label!r}, fewer than the {need} needed; {fix}"
    )


class GaussianDiscriminant:
    """Gaussian discriminant analysis: class means ``μ_k``, priors ``π_k`` and covariances.

    ``shared_covariance=True`` (LDA, PRML §4.2.1–4.2.2): one ``Σ`` shared by all classes,
    scikit-learn's ``Σ = Σ_k π_k S_k / N_k``; the log-posterior ratio is then linear,
    ``p(C₁|x) = σ(wᵀx + w₀)`` with ``w = Σ⁻¹(μ₁ − μ₀)`` (eq. 4.65–4.67), and ``predict_proba``
    agrees with ``LinearDiscriminantAnalysis(solver="lsqr")`` (``Σ⁻¹`` by least squares).
    ``shared_covariance=False`` (QDA): ``Σ_k = S_k / N_k``, each class's maximum-likelihood
    covariance (as scikit-learn 1.9's ``QuadraticDiscriminantAnalysis``), a quadratic boundary; each class needs more points than
    dimensions, not all on one line (plane).

    Attributes (after ``fit``): ``classes_`` (K,), ``priors_`` (K,), ``means_`` (K, d),
    ``covariances_`` (K, d, d) (LDA: K copies of ``covariance_``); LDA also ``coef_``,
    ``intercept_`` ((1, d) and (1,) for two classes, as scikit-learn; else (K, d) and (K,)).
    """

    def __init__(self, shared_covariance: bool = True, priors: Any = None) -> None:
        self.shared_covariance = shared_covariance
        self.priors = priors

    def fit(self, X: Any, y: Any) -> GaussianDiscriminant:
        """Fit on ``X`` (n_samples, n_features) and labels ``y`` (n_samples,); returns self."""
        X, classes, codes = check_classification_data(X, y)
        n_classes, d = len(classes), X.shape[1]
        counts, means, scatters = class_statistics(X, codes, n_classes)
        priors = _check_priors(self.priors, counts, classes)
        self.classes_, self.priors_, self.means_ = classes, priors, means
        if self.shared_covariance:
            if X.shape[0] <= n_classes:
                raise ValueError(
                    f"X needs more rows than classes for a shared covariance, got "
                    f"{X.shape[0]} rows and {n_classes} classes; add points"
                )
            sigma = np.einsum("k,kij->ij", priors / counts, scatters)
            coef = scipy.linalg.lstsq(sigma, means.T, lapack_driver="gelsd")[0].T
            intercept = -0.5 * np.einsum("kj,kj->k", means, coef) + np.log(priors)
            self.covariance_ = sigma
            self.covariances_ = np.repeat(sigma[None], n_classes, axis=0)
            self._full_coef = np.ascontiguousarray(coef)
            self._full_intercept = intercept
            if n_classes == 2:
                self.coef_ = (coef[1] - coef[0])[None, :]
                self.intercept_ = np.array([intercept[1] - intercept[0]])
            else:
                self.coef_, self.intercept_ = coef.copy(), intercept.copy()
        else:
            small = np.flatnonzero(counts <= d)
            if len(small):
                k = small[0]
                raise _too_few(
                    classes[k].item(),
                    counts[k],
                    d + 1,
                    "a class's own covariance needs more points than dimensions; add points "
                    "or use shared_covariance=True",
                )
            covs = scatters / counts[:, None, None]
            self._cholesky = np.empty_like(covs)
            for k in range(n_classes):
                lam = np.linalg.eigvalsh(covs[k])
                if lam[0] <= _SINGULAR * lam[-1]:
                    raise ValueError(
                        f"the covariance of class {classes[k].item()!r} is singular (its points "
                        "lie on a line or plane); add points off it or use "
                        "shared_covariance=True"
                    )
                self._cholesky[k] = np.linalg.cholesky(covs[k])
            self.covariances_ = covs
        return self

    def _joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        """``log p(x | C_k) + log π_k`` up to a constant shared by the classes (n, K)."""
        if self.shared_covariance:
            return X @ self._full_coef.T + self._full_intercept
        out = np.empty((X.shape[0], len(self.classes_)))
        for k, L in enumerate(self._cholesky):
            z = solve_lower(L, (X - self.means_[k]).T)
            log_det = 2.0 * np.sum(np.log(np.diag(L)))
            out[:, k] = -0.5 * (np.einsum("ij,ij->j", z, z) + log_det) + np.log(self.priors_[k])
        return out

    def decision_function(self, X: Any) -> np.ndarray:
        """The log-posterior odds: (n,) for two classes (``log p(C₁|x)/p(C₀|x)``), else
        ``log p(x | C_k) + log π_k`` up to a shared constant (n, K)."""
        check_fitted(self, "covariances_")
        scores = self._joint_log_likelihood(check_features(X, self.means_.shape[1]))
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """``p(C_k | x)`` (n, K) by Bayes' theorem, columns in the order of ``classes_``."""
        check_fitted(self, "covariances_")
        X = check_features(X, self.means_.shape[1])
        if self.shared_covariance:
            out = np.empty((X.shape[0], len(self.classes_)))
            map_chunks(
                K.linear_softmax_rows, X.shape[0], X, self._full_coef, self._full_intercept, out
            )
            return out
        return softmax_rows(self._joint_log_likelihood(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row of ``X`` (n,)."""
        best = np.argmax(self.predict_proba(X), axis=1)  # checks the fit first
        return self.classes_[best]


class GaussianNB:
    """Gaussian naive Bayes as scikit-learn's ``GaussianNB``: features independent given the
    class, ``p(x | C_k) = Π_j N(x_j | θ_kj, σ²_kj)`` (PRML §4.2.3's assumption with Gaussian
    features), with ``σ²_kj`` the class's biased variance plus
    ``var_smoothing · max_j var(x_j)``.

    Attributes (after ``fit``): ``classes_`` (K,), ``class_count_`` (K,), ``class_prior_`` (K,),
    ``theta_`` (K, d), ``var_`` (K, d), ``epsilon_``.
    """

    def __init__(self, var_smoothing: float = 1e-9) -> None:
        self.var_smoothing = var_smoothing

    def fit(self, X: Any, y: Any) -> GaussianNB:
        """Fit on ``X`` (n_samples, n_features) and labels ``y`` (n_samples,); returns self."""
        smoothing = check_scalar(self.var_smoothing, "var_smoothing", ge=0.0)
        X, classes, codes = check_classification_data(X, y)
        counts, means, scatters = class_statistics(X, codes, len(classes))
        self.epsilon_ = smoothing * float(np.var(X, axis=0).max())
        var = np.diagonal(scatters, axis1=1, axis2=2) / counts[:, None] + self.epsilon_
        if (var <= 0.0).any():
            k, j = np.argwhere(var <= 0.0)[0]
            raise ValueError(
                f"feature {j} is constant in class {classes[k].item()!r} and var_smoothing "
                f"is {smoothing!r}, so its variance is 0; pass var_smoothing > 0"
            )
        self.classes_, self.class_count_ = classes, counts
        self.class_prior_ = counts / counts.sum()
        self.theta_, self.var_ = means, var
        return self

    def _joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        out = np.empty((X.shape[0], len(self.classes_)))
        for k in range(len(self.classes_)):
            norm = -0.5 * np.sum(np.log(2.0 * np.pi * self.var_[k]))
            out[:, k] = (
                np.log(self.class_prior_[k])
                + norm
                - 0.5 * np.sum((X - self.theta_[k]) ** 2 / self.var_[k], axis=1)
            )
        return out

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log p(C_k | x)`` (n, K)."""
        check_fitted(self, "var_")
        jll = self._joint_log_likelihood(check_features(X, self.theta_.shape[1]))
        return jll - scipy.special.logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``p(C_k | x)`` (n, K), columns in the order of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row of ``X`` (n,)."""
        best = np.argmax(self.predict_log_proba(X), axis=1)  # checks the fit first
        return self.classes_[best]
