"""Numba kernels of the HMM engine (PRML §13.2: evaluation, learning, decoding).

Only float64 C-contiguous arrays and int64 cross this boundary, so each kernel compiles
once. Forward and backward run in probability space with per-step scaling and are
converted to logs at the end; Viterbi stays in log space, where it needs only additions
and comparisons. The N x N products of every time step, and the exp/log of every cell,
go through the four-lane intrinsics of ``_lanes``.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine._jit import jit
from prmlab.engine._lanes import (
    LANES,
    exp4_shifted,
    log4_shifted,
    max_plus4,
    max_plus16,
    sum_product4,
    sum_product16,
)

NEG_INF = -np.inf


@jit
def _max_plus(x, M, out):
    """out[j] = max_i x[i] + M[i, j]; -inf stays -inf (no -inf - -inf is ever formed)."""
    n = x.shape[0]
    wide = n - n % 16
    body = n - n % LANES
    for jb in range(0, wide, 16):
        max_plus16(x, M, out, jb, n)
    for jb in range(wide, body, LANES):
        max_plus4(x, M, out, jb, n)
    for j in range(body, n):
        best = NEG_INF
        for i in range(n):
            c = x[i] + M[i, j]
            if c > best:
                best = c
        out[j] = best


@jit
def _sum_product(x, M, out):
    """out[j] = Σ_i x[i] M[i, j]."""
    n = x.shape[0]
    wide = n - n % 16
    body = n - n % LANES
    for jb in range(0, wide, 16):
        sum_product16(x, M, out, jb, n)
    for jb in range(wide, body, LANES):
        sum_product4(x, M, out, jb, n)
    for j in range(body, n):
        s = 0.0
        for i in range(n):
            s += x[i] * M[i, j]
        out[j] = s


@jit
def _viterbi_forward(log_pi, log_A, log_B):
    """δ_1 = log π + log b(o_1); δ_{t+1}(j) = max_i δ_t(i) + log a_ij + log b_j(o_{t+1})."""
    T, n = log_B.shape
    delta = np.empty((T, n))
    for j in range(n):
        delta[0, j] = log_pi[j] + log_B[0, j]
    for t in range(1, T):
        row = delta[t]
        _max_plus(delta[t - 1], log_A, row)
        for j in range(n):
            row[j] += log_B[t, j]
    return delta


@jit
def _best_previous(delta_prev, log_A, j):
    """ψ(j) = argmax_i δ_prev(i) + log a_ij (the first on ties)."""
    best = 0
    value = delta_prev[0] + log_A[0, j]
    for i in range(1, delta_prev.shape[0]):
        c = delta_prev[i] + log_A[i, j]
        if c > value:
            value = c
            best = i
    return best


@jit
def _argmax(x):
    best = 0
    for i in range(1, x.shape[0]):
        if x[i] > x[best]:
            best = i
    return best


@jit
def viterbi_kernel(log_pi, log_A, log_B, with_psi):
    """Best path (T,), its log probability, every δ_t (T, N) and, if ``with_psi``, every
    back-pointer ψ_t (T, N) with ψ_1 = -1 (else an empty (0, N) array).

    The path needs ψ only along itself, so it is recomputed there rather than stored.
    """
    delta = _viterbi_forward(log_pi, log_A, log_B)
    T, n = delta.shape
    path = np.empty(T, dtype=np.int64)
    path[T - 1] = _argmax(delta[T - 1])
    for t in range(T - 1, 0, -1):
        path[t - 1] = _best_previous(delta[t - 1], log_A, path[t])
    psi = np.empty((T if with_psi else 0, n), dtype=np.int64)
    if with_psi:
        psi[0] = -1
        for t in range(1, T):
            for j in range(n):
                psi[t, j] = _best_previous(delta[t - 1], log_A, j)
    return path, delta[T - 1, path[T - 1]], delta, psi


@jit
def _scale_emission(log_B, E, shift, lo, hi):
    """E[t] = exp(log_B[t] - shift[t]) with shift[t] = max_j log_B[t, j] (-inf: E[t] = 0)."""
    n = log_B.shape[1]
    body = n - n % LANES
    for t in range(lo, hi):
        m = NEG_INF
        for j in range(n):
            if log_B[t, j] > m:
                m = log_B[t, j]
        shift[t] = m
        if m == NEG_INF:
            E[t] = 0.0
            continue
        for jb in range(0, body, LANES):
            exp4_shifted(log_B, E, t * n + jb, m)
        for j in range(body, n):
            E[t, j] = np.exp(log_B[t, j] - m)


@jit
def _forward(pi, A, E, shift, alpha, log_scale):
    """Scaled α: alpha[t] sums to 1 and log α_t = log alpha[t] + log_scale[t].

    α_1 = π b(o_1), α_{t+1}(j) = b_j(o_{t+1}) Σ_i α_t(i) a_ij. Returns the first t at which
    p(o_1..o_t) = 0, or T; from there on alpha is 0 and log_scale -inf.
    """
    T, n = E.shape
    cum = 0.0
    for t in range(T):
        row = alpha[t]
        if t == 0:
            for j in range(n):
                row[j] = pi[j]
        else:
            _sum_product(alpha[t - 1], A, row)
        c = 0.0
        for j in range(n):
            row[j] *= E[t, j]
            c += row[j]
        if c == 0.0:
            alpha[t:] = 0.0
            log_scale[t:] = NEG_INF
            return t
        inv = 1.0 / c
        for j in range(n):
            row[j] *= inv
        cum += np.log(c) + shift[t]
        log_scale[t] = cum
    return T


@jit
def _backward(AT, E, shift, beta, log_scale, alpha, xi_acc, accumulate):
    """Scaled β under its own scaling: log β_t = log beta[t] + log_scale[t], β_T = 1.

    β_t(i) = Σ_j a_ij b_j(o_{t+1}) β_{t+1}(j), with AT = Aᵀ. With ``accumulate``, adds
    α_t(i) b_j(o_{t+1}) β_{t+1}(j) / p(O) into xi_acc (times a_ij it is Σ_t ξ_t(i, j));
    alpha must then be the scaled forward pass.
    """
    T, n = E.shape
    w = np.empty(n)
    beta[T - 1] = 1.0
    log_scale[T - 1] = 0.0
    cum = 0.0
    for t in range(T - 2, -1, -1):
        for j in range(n):
            w[j] = E[t + 1, j] * beta[t + 1, j]
        row = beta[t]
        _sum_product(w, AT, row)
        d = 0.0
        for i in range(n):
            d += row[i]
        if d == 0.0:
            beta[: t + 1] = 0.0
            log_scale[: t + 1] = NEG_INF
            return
        if accumulate:
            z = 0.0
            for i in range(n):
                z += alpha[t, i] * row[i]
            for i in range(n):
                ai = alpha[t, i] / z
                if ai != 0.0:
                    for j in range(n):
                        xi_acc[i, j] += ai * w[j]
        inv = 1.0 / d
        for i in range(n):
            row[i] *= inv
        cum += np.log(d) + shift[t + 1]
        log_scale[t] = cum


@jit
def _to_log(x, log_scale):
    """x[t] = log x[t] + log_scale[t], in place."""
    T, n = x.shape
    body = n - n % LANES
    for t in range(T):
        s = log_scale[t]
        for jb in range(0, body, LANES):
            log4_shifted(x, x, t * n + jb, s)
        for j in range(body, n):
            x[t, j] = np.log(x[t, j]) + s


LOGS, POSTERIOR, BAUM_WELCH = 0, 1, 2  # what forward_backward_kernel returns


@jit
def forward_backward_kernel(pi, A, AT, log_B, mode):
    """Forward-backward; returns (first, second, xi, log p(O), first impossible t or T).

    ``mode`` LOGS: log α and log β (T, N); POSTERIOR: γ (T, N) first (PRML §13.2.2:
    γ_t(i) ∝ α_t(i) β_t(i)); BAUM_WELCH: also Σ_t ξ_t (N, N) with ξ_t(i, j) ∝ α_t(i) a_ij
    b_j(o_{t+1}) β_{t+1}(j), the E-step of Learning. Unused outputs are left as they are.
    """
    E, shift = scale_emission(log_B)
    return scaled_forward_backward_kernel(pi, A, AT, E, shift, mode)


@jit
def scale_emission(log_B):
    """``(E, shift)`` of ``log_B`` (T, N): E[t] = exp(log_B[t] - shift[t]), shift[t] = max_j
    log_B[t, j] (a row of -inf: E[t] = 0, shift[t] = -inf)."""
    T, n = log_B.shape
    E = np.empty((T, n))
    shift = np.empty(T)
    _scale_emission(log_B, E, shift, 0, T)
    return E, shift


@jit
def scaled_forward_backward_kernel(pi, A, AT, E, shift, mode):
    """``forward_backward_kernel`` from the emission scaled per step, ``b_j(o_t) = E[t, j]
    exp(shift[t])`` (``scale_emission``'s output, or a model's own table of it)."""
    T, n = E.shape
    alpha = np.empty((T, n))
    beta = np.empty((T, n))
    sa = np.empty(T)
    sb = np.empty(T)
    xi = np.zeros((n, n))
    stop = _forward(pi, A, E, shift, alpha, sa)
    if stop < T and mode != LOGS:
        return alpha, beta, xi, NEG_INF, stop
    _backward(AT, E, shift, beta, sb, alpha, xi, mode == BAUM_WELCH and stop == T)
    if mode == LOGS:
        _to_log(alpha, sa)
        _to_log(beta, sb)
        return alpha, beta, xi, sa[T - 1], stop
    for t in range(T):
        z = 0.0
        for i in range(n):
            alpha[t, i] *= beta[t, i]
            z += alpha[t, i]
        for i in range(n):
            alpha[t, i] /= z
    for i in range(n):
        for j in range(n):
            xi[i, j] *= A[i, j]
    return alpha, beta, xi, sa[T - 1], stop


@jit
def _inverse_cdf(cum, u):
    n = cum.shape[0]
    for k in range(n):
        if u < cum[k]:
            return k
    # u above a row total of 1 - eps: the last category with positive mass
    for k in range(n - 1, 0, -1):
        if cum[k] > cum[k - 1]:
            return k
    return 0


@jit
def sample_chain(cum_pi, cum_A, u):
    """States by inverse CDF: i_1 ~ π, i_{t+1} ~ a_{i_t, ·}; u (T,) uniform on [0, 1)."""
    T = u.shape[0]
    states = np.empty(T, dtype=np.int64)
    s = _inverse_cdf(cum_pi, u[0])
    states[0] = s
    for t in range(1, T):
        s = _inverse_cdf(cum_A[s], u[t])
        states[t] = s
    return states


@jit
def sample_rows(cum, rows, u):
    """One draw per t from the categorical row ``cum[rows[t]]`` (cumulative probabilities)."""
    out = np.empty(rows.shape[0], dtype=np.int64)
    for t in range(rows.shape[0]):
        out[t] = _inverse_cdf(cum[rows[t]], u[t])
    return out
