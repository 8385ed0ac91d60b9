"""Numba kernels of the linear models: coordinate descent for the lasso on the Gram matrix,
and one-pass class statistics and posteriors for the Gaussian classifiers.

The ``*_rows`` kernels work on a range of rows; ``_chunks.map_chunks`` runs them on fixed
chunks on the engine's pool and their partial sums are combined in chunk order, so the numbers
do not depend on the core count.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine._jit import jit


@jit
def lasso_gram_path(G, q, yy, n_samples, alphas, max_iter, tol, w):
    """Coordinate descent on ``1/(2n)‖y − Xw‖² + α‖w‖₁`` for each α in ``alphas`` in turn,
    warm-started from ``w`` (updated in place), given ``G = XᵀX``, ``q = Xᵀy``, ``yy = yᵀy``.

    Each α stops when the duality gap is below ``tol · yᵀy`` (scikit-learn's rule, checked
    once the largest coordinate change is below ``tol`` times the largest coefficient).
    Returns ``(coefs (n_alphas, d), gaps (n_alphas,), n_iter (n_alphas,))``.
    """
    d = G.shape[0]
    m = alphas.shape[0]
    coefs = np.empty((m, d))
    gaps = np.empty(m)
    n_iter = np.zeros(m, dtype=np.int64)
    Gw = G @ w if d > 0 else np.zeros(0)
    tol_abs = tol * yy
    for a in range(m):
        lam = alphas[a] * n_samples
        gap = np.inf
        for it in range(max_iter):
            w_max = 0.0
            d_w_max = 0.0
            for j in range(d):
                g_jj = G[j, j]
                if g_jj == 0.0:
                    continue
                old = w[j]
                tmp = q[j] - Gw[j] + g_jj * old
                new = 0.0
                if tmp > lam:
                    new = (tmp - lam) / g_jj
                elif tmp < -lam:
                    new = (tmp + lam) / g_jj
                if new != old:
                    delta = new - old
                    for i in range(d):
                        Gw[i] += G[i, j] * delta
                    w[j] = new
                    if abs(delta) > d_w_max:
                        d_w_max = abs(delta)
                if abs(new) > w_max:
                    w_max = abs(new)
            n_iter[a] = it + 1
            if w_max == 0.0 or d_w_max / w_max < tol or it == max_iter - 1:
                gap = lasso_gram_gap(G, q, yy, lam, w, Gw)
                if gap < tol_abs:
                    break
        coefs[a] = w
        gaps[a] = gap
    return coefs, gaps, n_iter


@jit
def lasso_gram_gap(G, q, yy, lam, w, Gw):
    """Duality gap of ``½‖y − Xw‖² + λ‖w‖₁`` from the Gram form (``Gw = G w``)."""
    d = w.shape[0]
    wq = 0.0
    wGw = 0.0
    l1 = 0.0
    dual_norm = 0.0
    for j in range(d):
        wq += w[j] * q[j]
        wGw += w[j] * Gw[j]
        l1 += abs(w[j])
        xr = abs(q[j] - Gw[j])  # |x_jᵀ r|
        if xr > dual_norm:
            dual_norm = xr
    rr = max(yy - 2.0 * wq + wGw, 0.0)
    scale = lam / dual_norm if dual_norm > lam else 1.0
    return 0.5 * rr * (1.0 + scale * scale) + lam * l1 - scale * (yy - wq)


@jit
def class_sums_rows(X, codes, n_classes, lo, hi):
    """Per-class ``(counts (K,), sums (K, d))`` of rows ``lo:hi``."""
    d = X.shape[1]
    counts = np.zeros(n_classes)
    sums = np.zeros((n_classes, d))
    for i in range(lo, hi):
        k = codes[i]
        counts[k] += 1.0
        for j in range(d):
            sums[k, j] += X[i, j]
    return counts, sums


@jit
def class_scatters_rows(X, codes, means, lo, hi):
    """The lower triangles of the per-class centred scatters
    ``S_k = Σ_{i in k} (x_i − m_k)(x_i − m_k)ᵀ`` of rows ``lo:hi`` (K, d, d)."""
    d = X.shape[1]
    out = np.zeros((means.shape[0], d, d))
    diff = np.empty(d)
    for i in range(lo, hi):
        k = codes[i]
        for j in range(d):
            diff[j] = X[i, j] - means[k, j]
        for a in range(d):
            da = diff[a]
            for b in range(a + 1):
                out[k, a, b] += da * diff[b]
    return out


@jit
def linear_softmax_rows(X, coef, intercept, out, lo, hi):
    """Rows ``lo:hi`` of ``out`` (n, K) set to ``softmax(X coefᵀ + intercept)``: the
    posteriors of a linear model."""
    d = X.shape[1]
    K = coef.shape[0]
    for i in range(lo, hi):
        top = -np.inf
        for k in range(K):
            s = intercept[k]
            for j in range(d):
                s += X[i, j] * coef[k, j]
            out[i, k] = s
            if s > top:
                top = s
        total = 0.0
        for k in range(K):
            e = np.exp(out[i, k] - top)
            out[i, k] = e
            total += e
        for k in range(K):
            out[i, k] /= total


@jit
def logistic_rows(X, theta, targets, with_intercept, with_hessian, lo, hi):
    """Rows ``lo:hi``'s ``(log-likelihood, gradient (width,), lower triangle of the Hessian
    (width, width), or 0 x 0 without ``with_hessian``)`` of binary logistic regression at
    ``theta = (w, b)`` (b only ``with_intercept``), ``targets`` in {0, 1}, ``φ = (x, 1)``.
    ``log(1 + eˢ)`` and ``σ(s)`` are evaluated without overflow."""
    d = X.shape[1]
    width = d + 1 if with_intercept else d
    h_size = width if with_hessian else 0
    g = np.zeros(width)
    H = np.zeros((h_size, h_size))
    b = theta[d] if with_intercept else 0.0
    ll = 0.0
    for i in range(lo, hi):
        s = b
        for j in range(d):
            s += X[i, j] * theta[j]
        if s >= 0.0:
            e = np.exp(-s)
            p = 1.0 / (1.0 + e)
            softplus = s + np.log1p(e)
        else:
            e = np.exp(s)
            p = e / (1.0 + e)
            softplus = np.log1p(e)
        ll += targets[i] * s - softplus
        r = p - targets[i]
        for j in range(d):
            g[j] += r * X[i, j]
        if with_intercept:
            g[d] += r
        if with_hessian:
            h = p * (1.0 - p)
            for a in range(d):
                xa = h * X[i, a]
                for k in range(a + 1):
                    H[a, k] += xa * X[i, k]
                if with_intercept:
                    H[d, a] += xa
            if with_intercept:
                H[d, d] += h
    return ll, g, H
