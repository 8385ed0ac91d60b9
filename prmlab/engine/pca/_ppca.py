"""Probabilistic PCA (Tipping & Bishop, 1999): fitted by EM or in closed form.

Probabilistic PCA (PRML §12.2): ``z ~ N(0, I_q)``, ``x = W z + mu + eps``,
``eps ~ N(0, sigma^2 I_p)``; learning by E-M; inference
``p(z|x) = N(W^T (W W^T + sigma^2 I)^-1 (x - mu), I - W^T (W W^T + sigma^2 I)^-1 W)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg

from prmlab.engine._validation import (
    check_array,
    check_features,
    check_fitted,
    check_random_state,
    check_scalar,
)
from prmlab.engine.pca import _kernels
from prmlab.engine.pca._pca import (
    centred_scatter,
    check_n_components,
    flip_signs,
    zero_variance_cause,
)

# sigma^2 never drops below this fraction of the mean variance: data lying exactly in a
# q-dimensional subspace would otherwise drive it to 0 and the likelihood to +infinity.
_SIGMA2_FLOOR = 1e-6


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the log-likelihood changed by less than ``tol``."""


@dataclass(frozen=True)
class PPCAStep:
    """One frame of p-PCA's EM: the parameters after ``iteration`` EM steps.

    ``W`` (n_features, n_components), ``sigma2`` the noise variance, ``loglik`` the total
    log-likelihood ``sum_i ln p(x_i)``, ``converged`` once it changes by less than ``tol``
    per sample, ``progress`` in [0, 1] (iterations over ``max_iter``).
    """

    iteration: int
    W: np.ndarray
    sigma2: float
    loglik: float
    converged: bool
    progress: float


class ProbabilisticPCA:
    """Probabilistic PCA: the Gaussian latent-variable model of PRML §12.2.

    Parameters
    ----------
    n_components : int, the latent dimension q, ``1 <= q <= min(n_samples, n_features - 1)``
        (sigma^2 is estimated from the d - q discarded directions, so q < d).
    max_iter : int >= 1, EM iterations at most.
    tol : float > 0, EM stops when the mean log-likelihood per sample changes by less.
    random_state : None, int or Generator, for the random initial ``W``.

    Attributes (after ``fit`` or ``fit_closed_form``)
    --------------------------------------------------
    W_ : (n_features, n_components), defined up to a rotation ``W R`` (``R R^T = I``).
    sigma2_ : float.  mean_ : (n_features,).
    loglik_history_ : list of total log-likelihoods, one before EM and one per iteration;
        EM never decreases it.
    n_iter_ : int.  converged_ : bool.
    """

    def __init__(
        self,
        n_components: int,
        max_iter: int = 1000,
        tol: float = 1e-9,
        random_state: Any = None,
    ) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def _prepare(self, X: Any) -> tuple[np.ndarray, np.ndarray, int]:
        """Validate; return ``(mean, S, q)`` with ``S = X^T H X / N`` the ML covariance."""
        X = check_array(X, "X", min_rows=2, allow_nonfinite=True)
        n, d = X.shape
        if d < 2:
            raise ValueError(
                f"X needs at least 2 columns for probabilistic PCA (q < d), got shape {X.shape}"
            )
        q = check_n_components(self.n_components, n, d, strict=True)
        mean, scatter = centred_scatter(X)
        S = scatter / n
        if np.trace(S) <= 0.0:
            raise ValueError(
                f"X has zero total variance ({zero_variance_cause(X)}): the p-PCA likelihood "
                "grows without bound as sigma^2 -> 0"
            )
        self.n_samples_ = n
        self.n_features_in_ = d
        return mean, S, q

    def _floor(self, S: np.ndarray) -> float:
        return _SIGMA2_FLOOR * float(np.trace(S)) / S.shape[0]

    def iter_fit(self, X: Any) -> Iterator[PPCAStep]:
        """Fit by EM, yielding a :class:`PPCAStep` at the start and then after every EM
        iteration (``X`` is (n_samples, n_features)); the model is fitted when exhausted.

        E-step (PRML (12.54), ``M = W^T W + sigma^2 I``): ``E[z_i] = M^-1 W^T
        (x_i - mu)``, ``E[z_i z_i^T] = sigma^2 M^-1 + E[z_i] E[z_i]^T``; M-step:
        ``W_new = [sum (x_i - mu) E[z_i]^T][sum E[z_i z_i^T]]^-1``, ``sigma^2_new = 1/(N d)
        sum ||x_i - mu||^2 - 2 E[z_i]^T W_new^T (x_i - mu) + tr(E[z_i z_i^T] W_new^T W_new)``,
        summed in closed form through ``S`` (see ``_kernels.ppca_em``).
        """
        yield from self._em(X, batch=1)

    def fit(self, X: Any, y: Any = None) -> ProbabilisticPCA:
        """Fit by EM on ``X`` (n_samples, n_features); returns self. Warns
        :class:`ConvergenceWarning` when ``max_iter`` is reached first."""
        for _ in self._em(X, batch=self.max_iter):
            pass
        return self

    def _em(self, X: Any, batch: int) -> Iterator[PPCAStep]:
        mean, S, q = self._prepare(X)
        max_iter = check_scalar(self.max_iter, "max_iter", integer=True, ge=1)
        tol = check_scalar(self.tol, "tol", gt=0.0)
        rng = check_random_state(self.random_state)
        n, d = self.n_samples_, self.n_features_in_
        scale = float(np.trace(S)) / d
        W = np.ascontiguousarray(rng.standard_normal((d, q)) * np.sqrt(scale))
        sigma2, floor = scale, self._floor(S)
        history = [n * _kernels.ppca_loglik(S, W, sigma2)]
        self.mean_ = mean
        yield PPCAStep(0, W.copy(), sigma2, history[0], False, 0.0)
        done, converged = 0, False
        logliks = np.empty(max_iter)
        while done < max_iter and not converged:
            steps = min(batch, max_iter - done)
            W, sigma2, ran, converged = _kernels.ppca_em(S, W, sigma2, steps, tol, floor, logliks)
            history.extend((n * logliks[:ran]).tolist())
            done += ran
            yield PPCAStep(done, W.copy(), sigma2, history[-1], converged, done / max_iter)
        if not converged:
            warnings.warn(
                f"EM did not converge in max_iter={max_iter} iterations (last change in mean "
                f"log-likelihood >= tol={tol:g}); raise max_iter or tol",
                ConvergenceWarning,
                stacklevel=3,
            )
        self._set(mean, W, sigma2, history, done, converged)

    def fit_closed_form(self, X: Any) -> ProbabilisticPCA:
        """Tipping & Bishop's maximum-likelihood solution on ``X`` (n_samples, n_features):
        with ``S = U Lambda U^T`` (eigenvalues decreasing),
        ``sigma2 = sum_{j>q} lambda_j / (d - q)`` and ``W = U_q (Lambda_q - sigma2 I)^{1/2}``.
        Returns self."""
        mean, S, q = self._prepare(X)
        lam, U = scipy.linalg.eigh(S)
        lam, U = np.maximum(lam[::-1], 0.0), U[:, ::-1]
        sigma2 = max(float(lam[q:].mean()), self._floor(S))
        W = flip_signs(U[:, :q].T).T * np.sqrt(np.maximum(lam[:q] - sigma2, 0.0))
        W = np.ascontiguousarray(W)
        loglik = self.n_samples_ * _kernels.ppca_loglik(S, W, sigma2)
        self._set(mean, W, sigma2, [loglik], 0, True)
        return self

    def _set(self, mean, W, sigma2, history, n_iter, converged) -> None:
        self.mean_ = mean
        self.W_ = W
        self.sigma2_ = float(sigma2)
        self.loglik_history_ = history
        self.n_iter_ = n_iter
        self.converged_ = converged

    # -- using the fitted model ----------------------------------------------------------
    def get_covariance(self) -> np.ndarray:
        """The model covariance ``C = W W^T + sigma2 I`` (n_features, n_features)."""
        check_fitted(self, "W_")
        return self.W_ @ self.W_.T + self.sigma2_ * np.eye(self.W_.shape[0])

    def posterior_covariance(self) -> np.ndarray:
        """``cov[z|x] = sigma2 M^-1 = I - W^T C^-1 W`` (n_components, n_components)."""
        check_fitted(self, "W_")
        return self.sigma2_ * np.linalg.inv(self._m())

    def _m(self) -> np.ndarray:
        return self.W_.T @ self.W_ + self.sigma2_ * np.eye(self.W_.shape[1])

    def transform(self, X: Any) -> np.ndarray:
        """Posterior means ``E[z|x] = M^-1 W^T (x - mu)`` (n_samples, n_components), equal to
        PRML's ``W^T (W W^T + sigma2 I)^-1 (x - mu)``."""
        check_fitted(self, "W_")
        X = check_features(X, self.W_.shape[0])
        return np.linalg.solve(self._m(), self.W_.T @ (X - self.mean_).T).T

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """``W z + mu`` (n_samples, n_features) for latent points ``Z`` (n_samples, q)."""
        check_fitted(self, "W_")
        Z = check_features(Z, self.W_.shape[1], "Z")
        return Z @ self.W_.T + self.mean_

    def score(self, X: Any) -> float:
        """Mean log-likelihood per sample of ``X`` (n_samples, n_features) under the model."""
        check_fitted(self, "W_")
        X = check_features(X, self.W_.shape[0])
        Xc = X - self.mean_
        S = np.ascontiguousarray(Xc.T @ Xc / X.shape[0])
        return float(_kernels.ppca_loglik(S, self.W_, self.sigma2_))
