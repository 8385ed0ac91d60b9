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


# Rows per block of the logistic pass: its scores and per-row terms stay in L1 cache.
LOGISTIC_BLOCK = 64
# Rows whose scores and sums are formed together: four independent sums keep the FPU's
# pipelines full where one row's 20-term dot product waits on each add.
_GROUP = 4
# logistic_rows's helpers are inline="always": compiled once, inside it (as functions of their
# own each was compiled on its own as well, ~15% more of a cold start's compile).


# error_model="numpy": a float division follows IEEE (no ZeroDivisionError check per
# element), which lets LLVM vectorise the per-row loop; NaN and inf still propagate.
@jit(error_model="numpy")
def logistic_rows(X, theta, targets, with_intercept, with_hessian, lo, hi):
    """Rows ``lo:hi``'s ``(log-likelihood, gradient (width,), lower triangle of the Hessian
    (width, width), or 0 x 0 without ``with_hessian``)`` of binary logistic regression at
    ``theta = (w, b)`` (b only ``with_intercept``), ``targets`` in {0, 1}, ``φ = (x, 1)``.
    ``log(1 + eˢ)`` and ``σ(s)`` are evaluated without overflow.

    Blocks of ``LOGISTIC_BLOCK`` rows: their scores (``_GROUP`` rows at a time), the per-row
    terms in one vectorisable loop, then the sums; the summation order depends only on
    ``lo`` and ``hi``, never on the thread that runs the chunk.
    """
    d = X.shape[1]
    width = d + 1 if with_intercept else d
    h_size = width if with_hessian else 0
    g = np.zeros(width)
    H = np.zeros((h_size, h_size))
    b = theta[d] if with_intercept else 0.0
    # padded to whole groups: a last group's missing rows get zero weights
    padded = (LOGISTIC_BLOCK + _GROUP - 1) // _GROUP * _GROUP
    s = np.empty(padded)
    r = np.zeros(padded)
    w = np.zeros(padded)
    ll = 0.0
    for start in range(lo, hi, LOGISTIC_BLOCK):
        m = min(LOGISTIC_BLOCK, hi - start)
        _block_scores(X, theta, b, start, m, s)
        ll += _block_terms(s, targets, start, m, r, w)
        _block_sums(X, r, w, start, m, with_intercept, with_hessian, g, H)
    return ll, g, H


@jit(inline="always")
def _group_rows(start, m, i):
    """The ``_GROUP`` row indices of X from block row ``i``: past the block's ``m`` rows the
    last row repeats (its weight is zero there), so no read leaves the block."""
    last = start + m - 1
    return (
        start + i,
        min(start + i + 1, last),
        min(start + i + 2, last),
        min(start + i + 3, last),
    )


@jit(inline="always")
def _block_scores(X, theta, b, start, m, s):
    """``s[i] = x_{start+i}ᵀw + b`` for the block's ``m`` rows (and its padding)."""
    d = X.shape[1]
    for i in range(0, m, _GROUP):
        i0, i1, i2, i3 = _group_rows(start, m, i)
        s0 = s1 = s2 = s3 = b
        for j in range(d):
            t = theta[j]
            s0 += X[i0, j] * t
            s1 += X[i1, j] * t
            s2 += X[i2, j] * t
            s3 += X[i3, j] * t
        s[i] = s0
        s[i + 1] = s1
        s[i + 2] = s2
        s[i + 3] = s3


@jit(inline="always", error_model="numpy")
def _block_terms(s, targets, start, m, r, w):
    """The block's residuals ``r = σ(s) − t`` and weights ``w = σ(s)σ(−s)`` (zero past ``m``),
    and its log-likelihood ``Σ t s − log(1 + eˢ)``.

    Each is formed from ``u = (1 − 2t) s``, the score against the row's own class, as
    ``r = (1 − 2t) σ(u)`` and ``log p(t | x) = −log(1 + eᵘ)``: no difference of nearly equal
    numbers, so a well-classified row adds its tiny terms exactly instead of rounding noise
    (``σ(s) − 1`` and ``s − log(1 + eˢ)`` lose them, and the line search then cannot see the
    last decreases of the objective).
    """
    e = np.empty(m)
    for i in range(m):  # libm's exp: a call per row, kept out of the vectorised loop below
        e[i] = np.exp(-abs(s[i]))
    terms = np.empty(m)
    for i in range(m):
        ei = e[i]
        sign = 1.0 - 2.0 * targets[start + i]
        u = sign * s[i]
        q = 1.0 / (1.0 + ei)  # σ(|u|)
        r[i] = sign * (q if u >= 0.0 else ei * q)
        w[i] = ei * q * q  # σ(u)σ(−u)
        terms[i] = -(max(u, 0.0) + _log1p_unit(ei))
    r[m:] = 0.0
    w[m:] = 0.0
    ll = 0.0
    for i in range(m):
        ll += terms[i]
    return ll


@jit(inline="always", error_model="numpy")
def _log1p_unit(x):
    """``log(1 + x)`` for ``x`` in [0, 1] to ~2 ulp: ``2 atanh(z)`` with ``z = x / (2 + x)``
    in [0, 1/3] by its odd series (16 terms of ``z²`` ≤ 1/9 reach 1e-17). Plain arithmetic,
    so a loop of it vectorises where libm's ``log1p`` is a call per row."""
    z = x / (2.0 + x)
    z2 = z * z
    acc = 1.0 / 33.0
    for k in range(15, -1, -1):  # constant trip count: unrolled, 1/(2k+1) folded
        acc = acc * z2 + 1.0 / (2 * k + 1)
    return 2.0 * z * acc


@jit(inline="always")
def _block_sums(X, r, w, start, m, with_intercept, with_hessian, g, H):
    """Add the block's ``Σ rᵢ φᵢ`` to ``g`` and ``Σ wᵢ φᵢφᵢᵀ`` (lower triangle) to ``H``,
    ``_GROUP`` rows at a time."""
    d = X.shape[1]
    for i in range(0, m, _GROUP):
        i0, i1, i2, i3 = _group_rows(start, m, i)
        r0, r1, r2, r3 = r[i], r[i + 1], r[i + 2], r[i + 3]
        for j in range(d):
            g[j] += r0 * X[i0, j] + r1 * X[i1, j] + r2 * X[i2, j] + r3 * X[i3, j]
        if with_intercept:
            g[d] += r0 + r1 + r2 + r3
        if not with_hessian:
            continue
        w0, w1, w2, w3 = w[i], w[i + 1], w[i + 2], w[i + 3]
        for a in range(d):
            x0, x1, x2, x3 = w0 * X[i0, a], w1 * X[i1, a], w2 * X[i2, a], w3 * X[i3, a]
            for k in range(a + 1):
                H[a, k] += x0 * X[i0, k] + x1 * X[i1, k] + x2 * X[i2, k] + x3 * X[i3, k]
            if with_intercept:
                H[d, a] += x0 + x1 + x2 + x3
        if with_intercept:
            H[d, d] += w0 + w1 + w2 + w3
