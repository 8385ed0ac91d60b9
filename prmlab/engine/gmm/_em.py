"""The functional EM of a Gaussian mixture: ``e_step``, ``m_step``, ``em_step`` and their checks.

PRML §9.2: ``p(x) = sum_k p_k N(x | mu_k, Sigma_k)``, solved by EM
("求解-EM"): the E step computes the posteriors ``p(z_i = k | x_i, theta^t)``, the M step
maximises ``Q(theta, theta^t)``, and ``log p(x | theta^t) <= log p(x | theta^{t+1})``
(section "参数学习-EM", point 4).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from prmlab.engine._parallel import N_CHUNKS, shared_pool
from prmlab.engine._validation import check_array, check_scalar, check_squarable
from prmlab.engine.gmm import _kernels as K

ILL_DEFINED = "ill-defined covariance: try fewer components or a larger reg_covar"
# A component whose total responsibility is below this (in points) has collapsed: its
# mean would be 0/0. It is re-seeded (see ``reseed``).
COLLAPSED_MASS = 1e-8


class ConvergenceWarning(UserWarning):
    """EM or Lloyd's algorithm stopped at ``max_iter`` before meeting ``tol``."""


class DegenerateComponentWarning(UserWarning):
    """A component or cluster lost all its points and was re-seeded."""


def drain(gen: Iterator[Any]) -> Any:
    """Run a generator to the end and return its ``return`` value."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


# Below this many points one chunk runs inline: a thread hand-off would cost more.
_CHUNK_ROWS = 16384


def map_chunks(kernel: Callable[..., Any], n: int, *args: Any) -> list[Any]:
    """``[kernel(*args, start, stop) for each chunk]``: the kernels release the GIL, so the
    chunks of a large ``n`` run on all cores (one parallel pass, per-chunk accumulators)."""
    if n < _CHUNK_ROWS:
        return [kernel(*args, 0, n)]
    # N_CHUNKS, not the thread count: sums are reduced in the same order on any machine
    bounds = np.linspace(0, n, N_CHUNKS + 1).astype(np.int64)
    futures = [
        shared_pool().submit(kernel, *args, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])
    ]
    return [f.result() for f in futures]


def reduce_stats(parts: list[tuple]) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Sum per-chunk ``(ll, N_k, S1, S2)`` in chunk order and mirror S2's upper triangle."""
    ll = sum(p[0] for p in parts)
    nk = np.sum([p[1] for p in parts], axis=0)
    s1 = np.sum([p[2] for p in parts], axis=0)
    s2 = np.sum([p[3] for p in parts], axis=0)
    s2 = np.triu(s2) + np.triu(s2, 1).transpose(0, 2, 1)
    return float(ll), nk, s1, s2


def check_data(X: Any, n_components: int, name: str = "n_components") -> np.ndarray:
    """``X`` as float64 ``(n_samples, n_features)``, finite, squarable (no overflow in distances,
    inertia or covariances), with at least ``n_components`` rows."""
    X = check_squarable(check_array(X, "X"))
    if X.shape[0] < n_components:
        raise ValueError(
            f"{name} must be <= n_samples, got {name}={n_components} with only "
            f"{X.shape[0]} sample(s); use fewer components or add data"
        )
    return X


def check_weights(weights: Any, n_components: int | None = None) -> np.ndarray:
    """Mixing weights ``(K,)``: non-negative, summing to 1."""
    w = check_array(weights, "weights", ndim=1)
    if n_components is not None and w.shape[0] != n_components:
        raise ValueError(f"weights must have shape ({n_components},), got {w.shape}")
    if (w < 0).any() or abs(w.sum() - 1.0) > 1e-6:
        raise ValueError(
            f"weights must be >= 0 and sum to 1, got sum {w.sum():.6g} (min {w.min():.6g}); "
            "divide them by their sum"
        )
    return w


def check_means(
    means: Any, n_features: int, n_components: int | None = None, name: str = "means"
) -> np.ndarray:
    """Component means or cluster centres ``(K, d)``."""
    m = check_array(means, name)
    if m.shape[1] != n_features or (n_components is not None and m.shape[0] != n_components):
        k = "K" if n_components is None else n_components
        raise ValueError(f"{name} must have shape ({k}, {n_features}), got {m.shape}")
    return m


def check_covariances(covariances: Any, n_components: int, n_features: int) -> np.ndarray:
    """Full covariances ``(K, d, d)``: symmetric and positive definite."""
    c = check_array(covariances, "covariances", ndim=3)
    if c.shape != (n_components, n_features, n_features):
        raise ValueError(
            f"covariances must have shape ({n_components}, {n_features}, {n_features}), "
            f"got {c.shape}"
        )
    scale = np.abs(c).max()
    if np.abs(c - c.transpose(0, 2, 1)).max() > 1e-8 * max(scale, 1.0):
        raise ValueError("covariances must be symmetric; use (C + C.T) / 2")
    precisions(c)
    return c


def check_reg_covar(reg_covar: Any) -> float:
    return check_scalar(reg_covar, "reg_covar", ge=0.0)


def precisions(covariances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse Cholesky factors and ``log|Sigma_k|^{-1/2}``; ValueError if one is not PD."""
    prec_chol, half_log_det, bad = K.cholesky_precisions(covariances)
    if bad >= 0:
        raise ValueError(f"{ILL_DEFINED} (component {bad} is not positive definite)")
    return prec_chol, half_log_det


def _log_norm(weights: np.ndarray, half_log_det: np.ndarray, d: int) -> np.ndarray:
    with np.errstate(divide="ignore"):  # a zero weight gives log 0 = -inf: never responsible
        return np.log(weights) - 0.5 * d * np.log(2.0 * np.pi) + half_log_det


def e_step_arrays(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked E step: ``(resp (n, K), log p(x_i) (n,))``."""
    prec_chol, half_log_det = precisions(covariances)
    n = X.shape[0]
    resp = np.empty((n, means.shape[0]))
    log_prob = np.empty(n)
    log_norm = _log_norm(weights, half_log_det, X.shape[1])
    map_chunks(K.e_step_kernel, n, X, log_norm, means, prec_chol, resp, log_prob)
    return resp, log_prob


def params_from_stats(
    n: int,
    nk: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    center: np.ndarray,
    reg_covar: float,
    diag: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """M step from centred sufficient statistics (PRML §9.2.2):

    ``p_k = N_k / N``, ``mu_k = c_k + S1_k / N_k``,
    ``Sigma_k = S2_k / N_k - delta_k delta_k^T + reg_covar I`` with ``delta_k = S1_k / N_k``.
    Returns ``(weights, means, covariances, collapsed)``; collapsed components get NaN-free
    placeholders and must be re-seeded.
    """
    d = center.shape[1]
    collapsed = nk < COLLAPSED_MASS
    safe = np.where(collapsed, 1.0, nk)
    delta = s1 / safe[:, None]
    means = center + delta
    cov = s2 / safe[:, None, None] - delta[:, :, None] * delta[:, None, :]
    if diag:
        cov = cov * np.eye(d)
    cov += reg_covar * np.eye(d)
    weights = nk / n
    return weights, means, cov, collapsed


def reseed(
    X: np.ndarray,
    weights: np.ndarray,
    means: np.ndarray,
    covariances: np.ndarray,
    collapsed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Re-seed collapsed components at the points the rest of the mixture explains worst.

    Each gets the mean of the other components' covariances and the weight of one point.
    This is a recovery, not an EM step: the log-likelihood may drop once.
    """
    idx = np.flatnonzero(collapsed)
    keep = ~collapsed
    weights = weights.copy()
    weights[idx] = 0.0
    weights /= weights.sum()
    _, log_prob = e_step_arrays(X, weights[keep], means[keep], covariances[keep])
    worst = np.argsort(log_prob, kind="stable")[: idx.size]
    means = means.copy()
    covariances = covariances.copy()
    means[idx] = X[worst[np.arange(idx.size) % worst.size]]
    covariances[idx] = covariances[keep].mean(axis=0)
    weights[idx] = 1.0 / X.shape[0]
    weights /= weights.sum()
    warnings.warn(
        f"component(s) {idx.tolist()} collapsed (no responsibility left) and were re-seeded "
        "at the worst-explained point(s); the log-likelihood may drop once",
        DegenerateComponentWarning,
        stacklevel=3,
    )
    return weights, means, covariances


def m_step_arrays(
    X: np.ndarray,
    resp: np.ndarray,
    reg_covar: float,
    diag: bool = False,
    center: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unchecked M step; one pass when ``center`` (e.g. the previous means) is given, else two."""
    n = X.shape[0]
    exact = center is None
    if exact:  # first pass: the means (a kernel pass, not BLAS: no spinning BLAS threads)
        zero = np.zeros((resp.shape[1], X.shape[1]))
        _, nk, s1, _ = reduce_stats(map_chunks(K.weighted_stats_kernel, n, X, resp, zero))
        center = s1 / np.where(nk < COLLAPSED_MASS, 1.0, nk)[:, None]
    _, nk, s1, s2 = reduce_stats(map_chunks(K.weighted_stats_kernel, n, X, resp, center))
    weights, means, cov, collapsed = params_from_stats(n, nk, s1, s2, center, reg_covar, diag)
    if collapsed.any():
        weights, means, cov = reseed(X, weights, means, cov, collapsed)
    elif not exact and K.cholesky_precisions(cov)[2] >= 0:
        # a mean far from its centre cost precision: centre on the new means instead
        return m_step_arrays(X, resp, reg_covar, diag)
    precisions(cov)
    return weights, means, cov


def em_step_arrays(
    X: np.ndarray,
    weights: np.ndarray,
    means: np.ndarray,
    covariances: np.ndarray,
    reg_covar: float,
    diag: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Unchecked fused E+M step (one pass over the points); returns the input's mean log-lik."""
    prec_chol, half_log_det = precisions(covariances)
    n, d = X.shape
    log_norm = _log_norm(weights, half_log_det, d)
    ll, nk, s1, s2 = reduce_stats(map_chunks(K.em_stats_kernel, n, X, log_norm, means, prec_chol))
    new_w, new_m, new_c, collapsed = params_from_stats(n, nk, s1, s2, means, reg_covar, diag)
    if collapsed.any() or K.cholesky_precisions(new_c)[2] >= 0:
        # rare: re-seed, or a big jump of a mean cost precision in the centred statistics;
        # redo the M step exactly (two passes).
        resp, _ = e_step_arrays(X, weights, means, covariances)
        new_w, new_m, new_c = m_step_arrays(X, resp, reg_covar, diag)
    return new_w, new_m, new_c, ll / n


def _checked_params(
    X: Any, weights: Any, means: Any, covariances: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X = check_squarable(check_array(X, "X"))
    m = check_squarable(check_means(means, X.shape[1]), "means", X.size)
    w = check_weights(weights, m.shape[0])
    c = check_covariances(covariances, m.shape[0], X.shape[1])
    return X, w, m, c


def e_step(X: Any, weights: Any, means: Any, covariances: Any) -> tuple[np.ndarray, float]:
    """E step of EM for a Gaussian mixture (PRML §9.2.2).

    ``r_ik = p_k N(x_i | mu_k, Sigma_k) / sum_j p_j N(x_i | mu_j, Sigma_j)``, computed with
    log-sum-exp so far-away points do not underflow.

    Parameters: ``X (n_samples, n_features)``, ``weights (K,)`` summing to 1,
    ``means (K, n_features)``, ``covariances (K, n_features, n_features)`` positive definite.
    Returns ``(resp (n_samples, K), mean_log_likelihood)`` where the latter is
    ``(1/N) sum_i log sum_k p_k N(x_i | mu_k, Sigma_k)``.
    """
    X, w, m, c = _checked_params(X, weights, means, covariances)
    resp, log_prob = e_step_arrays(X, w, m, c)
    return resp, float(log_prob.mean())


def m_step(X: Any, resp: Any, reg_covar: float = 1e-6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """M step of EM for a Gaussian mixture (PRML §9.2.2, (9.24)-(9.26)).

    ``N_k = sum_i r_ik``, ``p_k = N_k / N``, ``mu_k = sum_i r_ik x_i / N_k``,
    ``Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + reg_covar I``.

    ``X (n_samples, n_features)``, ``resp (n_samples, K)`` rows summing to 1. Returns
    ``(weights (K,), means (K, d), covariances (K, d, d))``. A component with no
    responsibility is re-seeded with a :class:`DegenerateComponentWarning`.
    """
    X = check_squarable(check_array(X, "X"))
    r = check_array(resp, "resp")
    if r.shape[0] != X.shape[0]:
        raise ValueError(f"resp must have one row per sample ({X.shape[0]}), got {r.shape}")
    row_sums = sum(r[:, k] for k in range(r.shape[1]))  # column-wise: NumPy drops the GIL
    if (r < 0).any() or np.abs(row_sums - 1.0).max() > 1e-6:
        raise ValueError("resp must be >= 0 with rows summing to 1; divide rows by their sums")
    return m_step_arrays(X, r, check_reg_covar(reg_covar))


def em_step(
    X: Any, weights: Any, means: Any, covariances: Any, reg_covar: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """One EM iteration: :func:`e_step` then :func:`m_step`, fused in one pass over the points.

    Same shapes as :func:`e_step`. Returns ``(weights, means, covariances, mean_log_likelihood)``
    where the log-likelihood is that of the INPUT parameters (PRML §9.4:
    it never decreases from one call to the next, up to the ``reg_covar`` term).
    """
    X, w, m, c = _checked_params(X, weights, means, covariances)
    return em_step_arrays(X, w, m, c, check_reg_covar(reg_covar))
