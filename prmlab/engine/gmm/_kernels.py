"""Numba kernels of the gmm topic: float64 C-contiguous arrays and int64 only.

The per-point kernels work on rows ``start:stop`` and return that chunk's sums; ``_em.map_chunks``
runs the chunks on a thread pool (the kernels release the GIL) and reduces them in a fixed
order, so results do not depend on the thread count. Serial kernels compile in a fraction
of the time ``parallel=True`` takes, which keeps cold start-up and CI short.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine._jit import jit

_LOG_2PI = np.log(2.0 * np.pi)


@jit
def cholesky_precisions(covariances):
    """Inverse Cholesky factors ``Linv`` (``Sigma = L L^T``) and ``sum log diag(Linv)``.

    Returns ``(prec_chol (K, d, d), half_log_det (K,), bad)`` where ``bad`` is the index of
    the first covariance that is not positive definite (or not finite), -1 if none.
    """
    n_components, d, _ = covariances.shape
    prec_chol = np.zeros((n_components, d, d))
    half_log_det = np.zeros(n_components)
    L = np.zeros((d, d))
    for k in range(n_components):
        L[:, :] = 0.0
        for j in range(d):
            s = covariances[k, j, j]
            for m in range(j):
                s -= L[j, m] * L[j, m]
            if not s > 0.0:  # also catches NaN
                return prec_chol, half_log_det, k
            L[j, j] = np.sqrt(s)
            for i in range(j + 1, d):
                t = covariances[k, i, j]
                for m in range(j):
                    t -= L[i, m] * L[j, m]
                L[i, j] = t / L[j, j]
        # forward substitution for Linv, column by column of the identity
        for j in range(d):
            prec_chol[k, j, j] = 1.0 / L[j, j]
            for i in range(j + 1, d):
                t = 0.0
                for m in range(j, i):
                    t -= L[i, m] * prec_chol[k, m, j]
                prec_chol[k, i, j] = t / L[i, i]
        for j in range(d):
            half_log_det[k] += np.log(prec_chol[k, j, j])
    return prec_chol, half_log_det, -1


@jit
def _posterior(X, i, log_norm, means, prec_chol, r, diff):
    """Responsibilities of point ``i`` into ``r (K,)`` and ``x_i - mu_k`` into ``diff (K, d)``.

    ``log w_k + log N(x_i | mu_k, Sigma_k) = log_norm_k - |Linv_k (x_i - mu_k)|^2 / 2``, then a
    log-sum-exp shifted by the largest term (one ``exp`` per component). Returns ``log p(x_i)``.
    """
    n_components, d = means.shape
    top = -np.inf
    for k in range(n_components):
        if d == 2:  # the common case, unrolled: about twice as fast
            a0 = X[i, 0] - means[k, 0]
            a1 = X[i, 1] - means[k, 1]
            diff[k, 0] = a0
            diff[k, 1] = a1
            y0 = prec_chol[k, 0, 0] * a0
            y1 = prec_chol[k, 1, 0] * a0 + prec_chol[k, 1, 1] * a1
            maha = y0 * y0 + y1 * y1
        else:
            maha = 0.0
            for a in range(d):
                diff[k, a] = X[i, a] - means[k, a]
            for a in range(d):
                y = 0.0
                for b in range(a + 1):
                    y += prec_chol[k, a, b] * diff[k, b]
                maha += y * y
        r[k] = log_norm[k] - 0.5 * maha
        if r[k] > top:
            top = r[k]
    if top == -np.inf:  # no component can explain the point (overflow): share it evenly
        for k in range(n_components):
            r[k] = 1.0 / n_components
        return top
    s = 0.0
    for k in range(n_components):
        r[k] = np.exp(r[k] - top)
        s += r[k]
    inv = 1.0 / s
    for k in range(n_components):
        r[k] *= inv
    return top + np.log(s)


@jit
def e_step_kernel(X, log_norm, means, prec_chol, resp, log_prob, start, stop):
    """E step on rows ``start:stop``: responsibilities into ``resp (n, K)``, ``log p(x_i)``
    into ``log_prob (n,)``."""
    n_components, d = means.shape
    r = np.empty(n_components)
    diff = np.empty((n_components, d))
    for i in range(start, stop):
        log_prob[i] = _posterior(X, i, log_norm, means, prec_chol, r, diff)
        for k in range(n_components):
            resp[i, k] = r[k]
    return 0.0


@jit
def em_stats_kernel(X, log_norm, means, prec_chol, start, stop):
    """Fused E step and sufficient statistics of rows ``start:stop``, centred on the means.

    Returns ``(sum log p(x_i), N_k (K,), S1 (K, d), S2 (K, d, d))`` with
    ``S1_k = sum_i r_ik (x_i - mu_k)`` and ``S2_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T``
    (upper triangle only). Centring on the old means avoids the cancellation of
    ``E[x x^T] - mu mu^T``.
    """
    n_components, d = means.shape
    r = np.empty(n_components)
    diff = np.empty((n_components, d))
    nk = np.zeros(n_components)
    s1 = np.zeros((n_components, d))
    s2 = np.zeros((n_components, d, d))
    ll = 0.0
    for i in range(start, stop):
        ll += _posterior(X, i, log_norm, means, prec_chol, r, diff)
        for k in range(n_components):
            nk[k] += r[k]
            if d == 2:
                ra = r[k] * diff[k, 0]
                rb = r[k] * diff[k, 1]
                s1[k, 0] += ra
                s1[k, 1] += rb
                s2[k, 0, 0] += ra * diff[k, 0]
                s2[k, 0, 1] += ra * diff[k, 1]
                s2[k, 1, 1] += rb * diff[k, 1]
                continue
            for a in range(d):
                ra = r[k] * diff[k, a]
                s1[k, a] += ra
                for b in range(a, d):
                    s2[k, a, b] += ra * diff[k, b]
    return ll, nk, s1, s2


@jit
def weighted_stats_kernel(X, resp, center, start, stop):
    """``N_k``, ``S1_k`` and ``S2_k`` as in :func:`em_stats_kernel` (log-likelihood 0), from
    given responsibilities and centred on ``center (K, d)``."""
    d = X.shape[1]
    n_components = resp.shape[1]
    diff = np.empty(d)
    nk = np.zeros(n_components)
    s1 = np.zeros((n_components, d))
    s2 = np.zeros((n_components, d, d))
    for i in range(start, stop):
        for k in range(n_components):
            r = resp[i, k]
            nk[k] += r
            for a in range(d):
                diff[a] = X[i, a] - center[k, a]
            for a in range(d):
                ra = r * diff[a]
                s1[k, a] += ra
                for b in range(a, d):
                    s2[k, a, b] += ra * diff[b]
    return 0.0, nk, s1, s2


@jit
def lloyd_kernel(X, centers, labels, start, stop):
    """One Lloyd assignment of rows ``start:stop`` with the update's sums fused in.

    Writes the nearest centre into ``labels (n,)``; returns
    ``(sums (K, d), counts (K,), inertia, n_changed)``.
    Ties go to the lowest index, as ``argmin`` does.
    """
    d = X.shape[1]
    n_clusters = centers.shape[0]
    sums = np.zeros((n_clusters, d))
    counts = np.zeros(n_clusters)
    inertia = 0.0
    changed = 0
    for i in range(start, stop):
        best = np.inf
        arg = 0
        for k in range(n_clusters):
            if d == 2:  # the common case, unrolled
                t0 = X[i, 0] - centers[k, 0]
                t1 = X[i, 1] - centers[k, 1]
                dist = t0 * t0 + t1 * t1
            else:
                dist = 0.0
                for a in range(d):
                    t = X[i, a] - centers[k, a]
                    dist += t * t
            if dist < best:
                best = dist
                arg = k
        if labels[i] != arg:
            changed += 1
            labels[i] = arg
        inertia += best
        counts[arg] += 1.0
        for a in range(d):
            sums[arg, a] += X[i, a]
    return sums, counts, inertia, changed


@jit
def kpp_trial_kernel(X, candidates, closest, out, start, stop):
    """k-means++ trial on rows ``start:stop``: ``out[c, i] = min(closest_i, |x_i - cand_c|^2)``.

    Returns the per-candidate sums of ``out`` over these rows (the potential of each trial).
    """
    n_cand = candidates.shape[0]
    d = X.shape[1]
    sums = np.zeros(n_cand)
    for i in range(start, stop):
        for c in range(n_cand):
            dist = 0.0
            for a in range(d):
                t = X[i, a] - candidates[c, a]
                dist += t * t
            v = min(closest[i], dist)
            out[c, i] = v
            sums[c] += v
    return sums
