"""``GaussianMixture``: EM for a mixture of Gaussians, in scikit-learn's style.

PRML §9.2: model ``p(x) = sum_k p_k N(x | mu_k, Sigma_k)``, solved by EM
("求解-EM"); each iteration cannot lower ``log p(X | theta)`` ("参数学习-EM", point 4).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from prmlab.engine._validation import (
    as_real_array,
    check_fitted,
    check_option,
    check_random_state,
    check_scalar,
)
from prmlab.engine.gmm._em import (
    ConvergenceWarning,
    check_covariances,
    check_data,
    check_means,
    check_reg_covar,
    check_weights,
    e_step_arrays,
    em_step_arrays,
    m_step_arrays,
)
from prmlab.engine.gmm._kmeans import KMeans, assign_labels, kmeans_plusplus

COVARIANCE_TYPES = ("full", "diag")
INIT_PARAMS = ("kmeans", "k-means++", "random")


@dataclass(frozen=True)
class EMStep:
    """One half-step of EM, for animation. Arrays are fresh copies.

    ``half``: ``"init"`` (starting parameters; ``resp`` is the hard assignment they came
    from), ``"E"`` (new ``resp`` from the current parameters, and their ``log_likelihood``)
    or ``"M"`` (parameters re-estimated from ``resp``). ``log_likelihood`` is the mean
    log-likelihood computed at the latest E step (NaN at ``"init"``), ``loglik_history`` one
    value per E step. ``covariances`` are always full ``(K, d, d)`` (diagonal for ``"diag"``).
    """

    half: str
    iteration: int
    weights: np.ndarray  # (K,)
    means: np.ndarray  # (K, n_features)
    covariances: np.ndarray  # (K, n_features, n_features)
    resp: np.ndarray  # (n_samples, K)
    log_likelihood: float
    loglik_history: np.ndarray
    converged: bool
    progress: float


class GaussianMixture:
    """Gaussian mixture fitted by EM (PRML §9.2.2), following scikit-learn.

    Parameters: ``n_components`` K; ``covariance_type`` ``"full"`` or ``"diag"``; ``max_iter``;
    ``tol`` on the change of the mean log-likelihood; ``reg_covar`` added to every covariance's
    diagonal; ``n_init`` restarts keeping the best log-likelihood; ``init_params``: ``"kmeans"``
    (labels of one k-means run), ``"k-means++"`` (nearest of k-means++ seeds) or ``"random"``
    (nearest of K distinct random points), each followed by an M step; ``random_state``.
    Optional starting parameters (they replace ``init_params``'s): ``weights_init (K,)``,
    ``means_init (K, d)`` (weights and covariances then come from the points nearest each
    mean), ``covariances_init`` ``(K, d, d)`` for ``"full"``, ``(K, d)`` for ``"diag"``.

    Fitted: ``weights_ (K,)``, ``means_ (K, d)``, ``covariances_`` (shape as above),
    ``converged_``, ``n_iter_``, ``lower_bound_`` (mean log-likelihood at the last E step),
    ``loglik_history_ (n_iter_,)``.
    """

    def __init__(
        self,
        n_components: int = 1,
        covariance_type: str = "full",
        max_iter: int = 100,
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        n_init: int = 1,
        init_params: str = "kmeans",
        random_state: Any = None,
        weights_init: Any = None,
        means_init: Any = None,
        covariances_init: Any = None,
    ) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state
        self.weights_init = weights_init
        self.means_init = means_init
        self.covariances_init = covariances_init

    # ---------------------------------------------------------------- checks and init
    def check_params(self, X: Any) -> np.ndarray:
        """Validate the parameters against ``X``; returns ``X`` as float64 or raises ValueError."""
        check_scalar(self.n_components, "n_components", integer=True, ge=1)
        check_option(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        check_scalar(self.max_iter, "max_iter", integer=True, ge=1)
        check_scalar(self.tol, "tol", ge=0.0)
        check_reg_covar(self.reg_covar)
        check_scalar(self.n_init, "n_init", integer=True, ge=1)
        check_option(self.init_params, "init_params", INIT_PARAMS)
        check_random_state(self.random_state)
        X = check_data(X, self.n_components)
        self._given_init(X)
        return X

    def _given_init(self, X: np.ndarray) -> tuple:
        K, d = self.n_components, X.shape[1]
        w = None if self.weights_init is None else check_weights(self.weights_init, K)
        m = None if self.means_init is None else check_means(self.means_init, d, K)
        c = self.covariances_init
        if c is not None:
            c = as_real_array(c, "covariances_init")
            if self.covariance_type == "diag":
                if c.shape != (K, d):
                    raise ValueError(f"covariances_init must have shape ({K}, {d}), got {c.shape}")
                c = c[:, :, None] * np.eye(d)
            c = check_covariances(c, K, d)
        return w, m, c

    def _init(self, X: np.ndarray, rng: np.random.Generator) -> tuple:
        """Starting ``(weights, means, covariances, resp)``."""
        K = self.n_components
        w0, m0, c0 = self._given_init(X)
        if m0 is not None:
            labels = assign_labels(X, m0)[0]
        elif self.init_params == "kmeans":
            labels = KMeans(K, n_init=1, random_state=rng).fit(X).labels_
        else:
            if self.init_params == "random":
                seeds = X[rng.choice(X.shape[0], K, replace=False)]
            else:
                seeds = kmeans_plusplus(X, K, rng)[0]
            labels = assign_labels(X, seeds)[0]
        resp = np.zeros((X.shape[0], K))
        resp[np.arange(X.shape[0]), labels] = 1.0
        w, m, c = m_step_arrays(X, resp, float(self.reg_covar), self._diag)
        if m0 is not None:
            m = m0
        return (w if w0 is None else w0), m, (c if c0 is None else c0), resp

    @property
    def _diag(self) -> bool:
        return self.covariance_type == "diag"

    # ------------------------------------------------------------------------ fitting
    def fit(self, X: Any, y: Any = None) -> GaussianMixture:
        """Fit by EM on ``X (n_samples, n_features)``, ``n_init`` times; keeps the best run.

        Each iteration is one fused pass (:func:`em_step`). Warns
        :class:`ConvergenceWarning` when ``max_iter`` is reached before ``tol``.
        """
        X = self.check_params(X)
        rng = check_random_state(self.random_state)
        reg, tol = float(self.reg_covar), float(self.tol)
        best = None
        for _ in range(self.n_init):
            w, m, c, _ = self._init(X, rng)
            history: list[float] = []
            converged = False
            for _ in range(self.max_iter):
                w, m, c, ll = em_step_arrays(X, w, m, c, reg, self._diag)
                history.append(ll)
                if len(history) > 1 and abs(history[-1] - history[-2]) < tol:
                    converged = True
                    break
            if best is None or history[-1] > best[3][-1]:
                best = (w, m, c, history, converged)
        self._store(X, *best)
        return self

    def iter_fit(self, X: Any, y: Any = None) -> Iterator[EMStep]:
        """EM one half-step at a time (one run: ``n_init`` is not used).

        Yields an ``"init"`` :class:`EMStep`, then ``"E"`` and ``"M"`` alternately until
        convergence or ``max_iter``; the estimator is fitted when the generator finishes.
        """
        X = self.check_params(X)
        rng = check_random_state(self.random_state)
        reg, tol = float(self.reg_covar), float(self.tol)
        w, m, c, resp = self._init(X, rng)
        history: list[float] = []
        yield EMStep("init", 0, w.copy(), m.copy(), c.copy(), resp, np.nan, np.empty(0), False, 0.0)
        converged = False
        for it in range(1, self.max_iter + 1):
            resp, log_prob = e_step_arrays(X, w, m, c)
            ll = float(log_prob.mean())
            history.append(ll)
            hist = np.array(history)
            progress = (it - 0.5) / self.max_iter
            yield EMStep("E", it, w.copy(), m.copy(), c.copy(), resp, ll, hist, False, progress)
            w, m, c = m_step_arrays(X, resp, reg, self._diag, center=m)
            converged = it > 1 and abs(history[-1] - history[-2]) < tol
            progress = 1.0 if converged else it / self.max_iter
            yield EMStep("M", it, w.copy(), m.copy(), c.copy(), resp, ll, hist, converged, progress)
            if converged:
                break
        self._store(X, w, m, c, history, converged)

    def _store(self, X, w, m, c, history, converged) -> None:
        self.weights_ = w
        self.means_ = m
        self._cov_full = c
        self.covariances_ = np.diagonal(c, axis1=1, axis2=2).copy() if self._diag else c
        self.loglik_history_ = np.asarray(history, dtype=np.float64)
        self.lower_bound_ = float(history[-1])
        self.n_iter_ = len(history)
        self.converged_ = bool(converged)
        self.n_features_in_ = X.shape[1]
        if not converged:
            warnings.warn(
                f"EM did not converge in max_iter={self.max_iter} iterations (last change "
                f"{abs(history[-1] - history[-2]) if len(history) > 1 else np.inf:.3g} >= "
                f"tol={self.tol}); increase max_iter or tol",
                ConvergenceWarning,
                stacklevel=3,
            )

    # ---------------------------------------------------------------------- inference
    def _check_X(self, X: Any) -> np.ndarray:
        check_fitted(self, "means_")
        X = check_data(X, 1)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X must have {self.n_features_in_} features (as in fit), got {X.shape[1]}"
            )
        return X

    def _posterior(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        resp, log_prob = e_step_arrays(self._check_X(X), self.weights_, self.means_, self._cov_full)
        # Every component has a positive density everywhere, so -inf means overflow: a point
        # so far from every component (in its own covariance) that its distance is infinite.
        overflow = log_prob == -np.inf
        if overflow.any():
            i = int(np.flatnonzero(overflow)[0])
            raise ValueError(
                f"X row {i} is too far from every component to score in float64 (its squared "
                "Mahalanobis distance overflows, so log p(x) would be -inf); rescale X as the "
                "data the model was fitted on"
            )
        return resp, log_prob

    def predict_proba(self, X: Any) -> np.ndarray:
        """Responsibilities ``p(z = k | x_i)``, shape ``(n_samples, K)``."""
        return self._posterior(X)[0]

    def predict(self, X: Any) -> np.ndarray:
        """Most responsible component of each sample, shape ``(n_samples,)``."""
        return self.predict_proba(X).argmax(axis=1)

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).predict(X)

    def score_samples(self, X: Any) -> np.ndarray:
        """``log p(x_i) = log sum_k p_k N(x_i | mu_k, Sigma_k)``, shape ``(n_samples,)``."""
        return self._posterior(X)[1]

    def score(self, X: Any, y: Any = None) -> float:
        """Mean log-likelihood of ``X`` under the fitted mixture."""
        return float(self.score_samples(X).mean())

    def n_parameters(self) -> int:
        """Free parameters: ``K - 1`` weights, ``K d`` means, and ``K d (d + 1) / 2`` (full)
        or ``K d`` (diag) covariance entries."""
        K, d = self.means_.shape
        cov = K * d * (d + 1) // 2 if not self._diag else K * d
        return int(K - 1 + K * d + cov)

    def bic(self, X: Any) -> float:
        """Bayesian information criterion ``-2 log L + p log n`` (lower is better)."""
        X = self._check_X(X)
        return -2.0 * self.score(X) * X.shape[0] + self.n_parameters() * np.log(X.shape[0])

    def aic(self, X: Any) -> float:
        """Akaike information criterion ``-2 log L + 2 p`` (lower is better)."""
        X = self._check_X(X)
        return -2.0 * self.score(X) * X.shape[0] + 2.0 * self.n_parameters()
