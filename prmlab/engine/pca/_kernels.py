"""Numba kernels of the pca topic: a chunk's column sums and ``X^T X`` in one pass, and the
p-PCA EM loop.

Every kernel takes float64 C-contiguous arrays and int64 scalars only, so each compiles once.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine._jit import jit
from prmlab.engine.pca._tiles import TILE_ROWS, add_tile4, add_tile8

# Rows of X copied into a tile buffer at a time: 64 rows of up to ~60 columns stay in a
# core's L1 cache while every tile of the product runs down them (256: no faster).
_BLOCK_ROWS = 64


def product_width(d):
    """Columns (and rows) of ``add_sums_and_product``'s product for ``d`` features: ``d + 1``
    (a column of ones gives the column sums) rounded up to whole vectors of 4."""
    return -(-(d + 1) // 4) * 4


@jit
def add_sums_and_product(X, lo, hi, product):
    """Add rows ``lo:hi`` of ``X`` (n, d) to ``product`` (p, p), ``p = product_width(d)``:
    ``product[:d, :d]`` gets ``X^T X`` in its upper triangle (entries left of the diagonal
    are partial: ignore them) and ``product[:d, d]`` the column sums.

    Blocks of ``_BLOCK_ROWS`` rows are copied into a buffer padded with a column of ones (its
    products are the column sums) and zeros; 4 x 8 register tiles (``_tiles``) from the
    diagonal rightwards then sum each entry over the rows in order. The order of every sum
    depends only on ``lo`` and ``hi``. Releases the GIL, so chunks of rows run on several
    threads at once.
    """
    d = X.shape[1]
    p = product.shape[1]
    buf = np.zeros((_BLOCK_ROWS, p))
    buf[:, d] = 1.0
    for start in range(lo, hi, _BLOCK_ROWS):
        count = min(_BLOCK_ROWS, hi - start)
        for r in range(count):
            buf[r, :d] = X[start + r]
        for a0 in range(0, d, TILE_ROWS):
            b0 = a0
            while b0 + 8 <= p:
                add_tile8(buf, product, a0, b0, count)
                b0 += 8
            if b0 < p:
                add_tile4(buf, product, a0, b0, count)


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
