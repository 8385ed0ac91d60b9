"""Numba kernels of the HMM engine (formula sheet, HMM: Evaluation, Learning, Decoding).

Only float64 C-contiguous arrays and int64 cross this boundary, so each kernel compiles
once. Forward and backward run in probability space with per-step scaling and are
converted to logs at the end; Viterbi stays in log space, where it needs only additions
and comparisons. The N x N inner products of every time step go through two small LLVM
intrinsics that keep four lanes in one AVX register: Numba's loop vectoriser gives up on
these short loops, and they are the whole cost of a step.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.core import cgutils
from numba.core.extending import intrinsic

from prmlab.engine._jit import jit

NEG_INF = -np.inf
LANES = 4


def _lanes_codegen(max_plus: bool):
    """Lanes k of ``x @ M[:, jb:jb+4]`` (sum-product) or ``max_i x_i + M[i, jb+k]``.

    Lanes accumulate over i in order, so each lane equals the plain scalar loop bit for bit.
    """

    def codegen(context, builder, signature, args):
        x, M, jb, n = args
        f64 = ir.DoubleType()
        vec = ir.VectorType(f64, LANES)
        x_ptr = context.make_array(signature.args[0])(context, builder, x).data
        m_ptr = context.make_array(signature.args[1])(context, builder, M).data
        acc = cgutils.alloca_once(builder, vec)
        start = float("-inf") if max_plus else 0.0
        builder.store(ir.Constant(vec, [start] * LANES), acc)
        with cgutils.for_range(builder, n) as loop:
            i = loop.index
            xi = builder.load(builder.gep(x_ptr, [i]))
            splat = ir.Constant(vec, ir.Undefined)
            for k in range(LANES):
                splat = builder.insert_element(splat, xi, ir.Constant(ir.IntType(32), k))
            row = builder.gep(m_ptr, [builder.add(builder.mul(i, n), jb)])
            m = builder.load(builder.bitcast(row, vec.as_pointer()), align=8)
            a = builder.load(acc)
            if max_plus:
                c = builder.fadd(m, splat)
                new = builder.select(builder.fcmp_ordered(">", c, a), c, a)
            else:
                new = builder.fadd(a, builder.fmul(splat, m))
            builder.store(new, acc)
        a = builder.load(acc)
        lanes = [builder.extract_element(a, ir.Constant(ir.IntType(32), k)) for k in range(LANES)]
        return context.make_tuple(builder, signature.return_type, lanes)

    return codegen


@intrinsic
def _max_plus4(typingctx, x, M, jb, n):
    return types.UniTuple(types.float64, LANES)(x, M, jb, n), _lanes_codegen(True)


@intrinsic
def _sum_product4(typingctx, x, M, jb, n):
    return types.UniTuple(types.float64, LANES)(x, M, jb, n), _lanes_codegen(False)


@jit
def _max_plus(x, M, out):
    """out[j] = max_i x[i] + M[i, j]; -inf stays -inf (no -inf - -inf is ever formed)."""
    n = x.shape[0]
    body = n - n % LANES
    for jb in range(0, body, LANES):
        out[jb], out[jb + 1], out[jb + 2], out[jb + 3] = _max_plus4(x, M, jb, n)
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
    body = n - n % LANES
    for jb in range(0, body, LANES):
        out[jb], out[jb + 1], out[jb + 2], out[jb + 3] = _sum_product4(x, M, jb, n)
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
def viterbi_kernel(log_pi, log_A, log_B):
    """Best path (T,) and its log probability; ψ is recomputed along the path only."""
    delta = _viterbi_forward(log_pi, log_A, log_B)
    T = delta.shape[0]
    path = np.empty(T, dtype=np.int64)
    path[T - 1] = _argmax(delta[T - 1])
    for t in range(T - 1, 0, -1):
        path[t - 1] = _best_previous(delta[t - 1], log_A, path[t])
    return path, delta[T - 1, path[T - 1]]


@jit
def viterbi_lattice_kernel(log_pi, log_A, log_B):
    """Every δ_t (T, N) and back-pointer ψ_t (T, N), with ψ_1 = -1."""
    delta = _viterbi_forward(log_pi, log_A, log_B)
    T, n = delta.shape
    psi = np.empty((T, n), dtype=np.int64)
    psi[0] = -1
    for t in range(1, T):
        for j in range(n):
            psi[t, j] = _best_previous(delta[t - 1], log_A, j)
    return delta, psi


@jit
def _scale_emission(log_B, E, shift, lo, hi):
    """E[t] = exp(log_B[t] - shift[t]) with shift[t] = max_j log_B[t, j] (-inf: E[t] = 0)."""
    n = log_B.shape[1]
    for t in range(lo, hi):
        m = NEG_INF
        for j in range(n):
            if log_B[t, j] > m:
                m = log_B[t, j]
        shift[t] = m
        if m == NEG_INF:
            E[t] = 0.0
        else:
            for j in range(n):
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
    T, n = x.shape
    for t in range(T):
        s = log_scale[t]
        for j in range(n):
            x[t, j] = np.log(x[t, j]) + s


@jit(parallel=True)
def forward_backward_kernel(pi, A, AT, log_B):
    """log α, log β (T, N) and the first t at which the sequence became impossible (or T).

    Each pass keeps its own scaling, so the forward and the backward pass run on two
    threads at once.
    """
    T, n = log_B.shape
    E = np.empty((T, n))
    shift = np.empty(T)
    half = T // 2
    for k in prange(2):
        _scale_emission(log_B, E, shift, k * half, T if k == 1 else half)
    alpha = np.empty((T, n))
    beta = np.empty((T, n))
    sa = np.empty(T)
    sb = np.empty(T)
    stop = np.full(2, T, dtype=np.int64)
    unused = np.zeros((1, 1))
    for k in prange(2):
        if k == 0:
            stop[0] = _forward(pi, A, E, shift, alpha, sa)
            _to_log(alpha, sa)
        else:
            _backward(AT, E, shift, beta, sb, unused, unused, False)
            _to_log(beta, sb)
    return alpha, beta, stop[0]


@jit
def posterior_kernel(pi, A, AT, log_B, with_xi):
    """γ (T, N), Σ_t ξ_t (N, N) if ``with_xi``, log p(O) and the impossible index (or T).

    The E-step of Baum-Welch (formula sheet, HMM: Learning): γ_t(i) ∝ α_t(i) β_t(i),
    ξ_t(i, j) ∝ α_t(i) a_ij b_j(o_{t+1}) β_{t+1}(j).
    """
    T, n = log_B.shape
    E = np.empty((T, n))
    shift = np.empty(T)
    _scale_emission(log_B, E, shift, 0, T)
    alpha = np.empty((T, n))
    beta = np.empty((T, n))
    sa = np.empty(T)
    sb = np.empty(T)
    xi = np.zeros((n, n))
    stop = _forward(pi, A, E, shift, alpha, sa)
    if stop < T:
        return alpha, xi, NEG_INF, stop
    _backward(AT, E, shift, beta, sb, alpha, xi, with_xi)
    for t in range(T):
        z = 0.0
        for i in range(n):
            beta[t, i] *= alpha[t, i]
            z += beta[t, i]
        for i in range(n):
            beta[t, i] /= z
    for i in range(n):
        for j in range(n):
            xi[i, j] *= A[i, j]
    return beta, xi, sa[T - 1], stop


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
