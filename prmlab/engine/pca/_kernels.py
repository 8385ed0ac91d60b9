"""Numba kernels of the pca topic: a chunk's column sums and ``X^T X`` in one pass, and the
p-PCA EM loop.

Every kernel takes float64 C-contiguous arrays and int64 scalars only, so each compiles once.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine._jit import jit

# Rows added to a chunk's product at once: each pass over a row of the product then does 8
# rows' multiply-adds for one load and store of it (4 rows: ~15 % slower, 16: registers spill).
_ROWS = 8


@jit
def add_sums_and_product(X, lo, hi, sums, product):
    """Add rows ``lo:hi`` of ``X`` (n, d) to ``sums`` (d,) and the upper triangle of
    ``product`` (d, dp), ``dp = d`` rounded up to a multiple of 4 (entries left of the
    diagonal are partial: ignore them).

    ``_ROWS`` rows at a time through a zero-padded copy (a short last group is padded with
    zero rows, which add exactly 0). The order of every sum depends only on ``lo`` and ``hi``.
    Releases the GIL, so chunks of rows run on several threads at once.
    """
    d = X.shape[1]
    dp = product.shape[1]
    rows = np.zeros((_ROWS, dp))
    for start in range(lo, hi, _ROWS):
        count = min(_ROWS, hi - start)
        for r in range(_ROWS):
            if r < count:
                rows[r, :d] = X[start + r]
            else:
                rows[r, :] = 0.0
        x0, x1, x2, x3 = rows[0], rows[1], rows[2], rows[3]
        x4, x5, x6, x7 = rows[4], rows[5], rows[6], rows[7]
        for a in range(d):
            a0, a1, a2, a3 = x0[a], x1[a], x2[a], x3[a]
            a4, a5, a6, a7 = x4[a], x5[a], x6[a], x7[a]
            out = product[a]
            # From the multiple of 4 at or below the diagonal: whole vectors of 4. Unsigned
            # indices: Numba then emits no negative-index wraparound, which kept LLVM from
            # vectorising the loop (2x slower).
            for b in range(np.uint64(a - a % 4), np.uint64(dp)):
                out[b] += ((a0 * x0[b] + a1 * x1[b]) + (a2 * x2[b] + a3 * x3[b])) + (
                    (a4 * x4[b] + a5 * x5[b]) + (a6 * x6[b] + a7 * x7[b])
                )
        for b in range(d):
            sums[b] += ((x0[b] + x1[b]) + (x2[b] + x3[b])) + ((x4[b] + x5[b]) + (x6[b] + x7[b]))


@jit
def spd_inverse(A):
    """Inverse and log-determinant of a small symmetric positive-definite ``A`` (q, q) by
    Cholesky (``A = L L^T``); plain loops compile far faster than Numba's LAPACK bindings."""
    q = A.shape[0]
    L = np.zeros((q, q))
    logdet = 0.0
    for i in range(q):
        for j in range(i + 1):
            s = A[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                L[i, i] = np.sqrt(s)
                logdet += 2.0 * np.log(L[i, i])
            else:
                L[i, j] = s / L[j, j]
    L_inv = np.zeros((q, q))  # forward substitution, column by column
    for j in range(q):
        L_inv[j, j] = 1.0 / L[j, j]
        for i in range(j + 1, q):
            s = 0.0
            for k in range(j, i):
                s -= L[i, k] * L_inv[k, j]
            L_inv[i, j] = s / L[i, i]
    return L_inv.T @ L_inv, logdet


@jit
def ppca_loglik(S, W, sigma2):
    """Mean log-likelihood per sample of p-PCA, ``-(d ln 2pi + ln|C| + tr(C^-1 S)) / 2`` with
    ``C = W W^T + sigma2 I``, through ``M = W^T W + sigma2 I`` (q, q) so nothing d x d is
    inverted: ``ln|C| = (d-q) ln sigma2 + ln|M|``, ``C^-1 = (I - W M^-1 W^T) / sigma2``."""
    d, q = W.shape
    m_inv, logdet_m = spd_inverse(W.T @ W + sigma2 * np.eye(q))
    tr_cinv_s = (np.trace(S) - np.sum(m_inv * (W.T @ (S @ W)))) / sigma2
    return -0.5 * (d * np.log(2.0 * np.pi) + (d - q) * np.log(sigma2) + logdet_m + tr_cinv_s)


@jit
def ppca_em(S, W, sigma2, n_steps, tol, floor, logliks):
    """Up to ``n_steps`` EM iterations of p-PCA from ``W`` (d, q), ``sigma2``; ``S`` (d, d) is
    the ML covariance. Returns ``(W, sigma2, steps_done, converged)`` and writes the mean
    log-likelihood after each step into ``logliks`` (n_steps,).

    The seed's E-step summed over samples: ``sum (x-mu) E[z]^T = N S W M^-1`` and
    ``sum E[z z^T] = N (sigma2 M^-1 + M^-1 W^T S W M^-1)``; the M-step then reads
    ``W_new = S W (sigma2 I + M^-1 W^T S W)^-1 = S W (sigma2 M + W^T S W)^-1 M`` (only
    symmetric positive-definite inverses) and ``sigma2_new = tr(S - S W M^-1 W_new^T) / d``,
    floored at ``floor``.
    """
    d, q = W.shape
    eye = np.eye(q)
    trace_s = np.trace(S)
    previous = ppca_loglik(S, W, sigma2)
    for t in range(n_steps):
        M = W.T @ W + sigma2 * eye
        m_inv, _ = spd_inverse(M)
        sw = S @ W
        a_inv, _ = spd_inverse(sigma2 * M + W.T @ sw)
        W = sw @ (a_inv @ M)
        sigma2 = max((trace_s - np.sum((sw @ m_inv) * W)) / d, floor)
        current = ppca_loglik(S, W, sigma2)
        logliks[t] = current
        if abs(current - previous) < tol:
            return W, sigma2, t + 1, True
        previous = current
    return W, sigma2, n_steps, False
