"""Numba kernels of the SVM: kernel functions, the SMO solver (libsvm's), decision values.

The soft-margin dual (PRML §7.1.1, (7.32)-(7.34)) in libsvm's minimisation form:
``min_a f(a) = 1/2 a^T Q a - 1^T a``, ``0 <= a_i <= C``, ``y^T a = 0``, ``Q_ij = y_i y_j K_ij``.
The solver keeps the gradient ``G = Q a - 1`` up to date and caches kernel rows.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from prmlab.engine._jit import jit

LINEAR, POLY, RBF = 0, 1, 2
# libsvm's guard for a non-positive curvature K_ii + K_jj - 2 K_ij (Fan, Chen & Lin 2005, WSS 2).
TAU = 1e-12
# Status codes of smo_solve.
RUNNING, CONVERGED, UNBOUNDED = 0, 1, 2
# Slots of the integer state array shared between calls (the solver resumes where it stopped);
# the last three describe the objective trace of the current call.
N_ITER, CLOCK, SLOTS_USED, LAST_I, LAST_J, T_SEEN, T_COUNT, T_STRIDE = range(8)


@jit
def kernel_value(A, i, B, j, kind, gamma, degree, coef0):
    """K(A_i, B_j): linear ``a.b``, poly ``(gamma a.b + coef0)^degree``, rbf ``exp(-gamma|a-b|^2)``.

    Scalar form for diagonals and spot checks; rows go through ``kernel_block``.
    """
    s = 0.0
    if kind == RBF:
        for k in range(A.shape[1]):
            d = A[i, k] - B[j, k]
            s += d * d
        return np.exp(-gamma * s)
    for k in range(A.shape[1]):
        s += A[i, k] * B[j, k]
    if kind == LINEAR:
        return s
    return (gamma * s + coef0) ** degree


# exp by Cody-Waite reduction and a polynomial: plain arithmetic that LLVM vectorises, ~6x
# faster than calling libm's exp per element on this kind of CPU.
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_SHIFT = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer kept in the low bits
_SHIFT_BITS = 4843621399236968448  # the bit pattern of _SHIFT
_EXP_MIN = -708.0  # below this exp underflows: return 0


@jit
def exp_nonpositive_inplace(z, scratch):
    """``z <- exp(z)`` for ``z <= 0`` (relative error < 1e-15; 0 below -708), any length.

    ``exp(z) = 2^k exp(r)``, ``k = round(z / ln 2)``, ``|r| <= ln(2)/2``, ``exp(r)`` by its
    degree-12 Taylor polynomial; ``2^k`` is built in the exponent bits of ``scratch``.
    """
    n = z.shape[0]
    for t in range(n):
        v = max(z[t], _EXP_MIN)
        kf = v * _LOG2E + _SHIFT
        scratch[t] = kf
        k = kf - _SHIFT
        r = (v - k * _LN2_HI) - k * _LN2_LO
        p = 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        z[t] = p if z[t] >= _EXP_MIN else 0.0
    bits = scratch.view(np.int64)
    for t in range(n):
        bits[t] = (bits[t] - _SHIFT_BITS + 1023) << 52
    for t in range(n):
        z[t] *= scratch[t]


@jit
def kernel_block(a, BT, kind, gamma, degree, coef0, out, scratch):
    """``out[q] = K(a, B_q)`` for one point ``a`` (n_features,) and ``BT = B^T`` (n_features, m).

    B transposed lets every loop run over q, so the compiler vectorises them.
    """
    m = BT.shape[1]
    out[:] = 0.0
    if kind == RBF:
        for k in range(BT.shape[0]):
            ak = a[k]
            for q in range(m):
                d = ak - BT[k, q]
                out[q] += d * d
        for q in range(m):
            out[q] *= -gamma
        exp_nonpositive_inplace(out, scratch)
        return
    for k in range(BT.shape[0]):
        ak = a[k]
        for q in range(m):
            out[q] += ak * BT[k, q]
    if kind == POLY:
        for q in range(m):
            out[q] = (gamma * out[q] + coef0) ** degree


@jit
def kernel_diagonal(X, kind, gamma, degree, coef0):
    """K(x_i, x_i) for every row, shape (n_samples,)."""
    n = X.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = kernel_value(X, i, X, i, kind, gamma, degree, coef0)
    return out


@jit
def feature_distances(X, a, b, kind, gamma, degree, coef0):
    """Squared feature-space distances ``K_aa + K_bb - 2 K_ab`` of the row pairs (a[p], b[p])."""
    out = np.empty(a.shape[0])
    for p in range(a.shape[0]):
        i, j = a[p], b[p]
        out[p] = (
            kernel_value(X, i, X, i, kind, gamma, degree, coef0)
            + kernel_value(X, j, X, j, kind, gamma, degree, coef0)
            - 2.0 * kernel_value(X, i, X, j, kind, gamma, degree, coef0)
        )
    return out


@jit
def _kernel_row(X, XT, i, kind, gamma, degree, coef0, cache, slot_of, slot_owner, slot_time, state):
    """Row i of K from the cache, computing it into the least recently used slot on a miss.

    The cache's last row is scratch space for the exp, never a slot.
    """
    state[CLOCK] += 1
    slot = slot_of[i]
    if slot < 0:
        n_slots = cache.shape[0] - 1
        if state[SLOTS_USED] < n_slots:
            slot = state[SLOTS_USED]
            state[SLOTS_USED] += 1
        else:
            slot = 0
            for s in range(1, n_slots):
                if slot_time[s] < slot_time[slot]:
                    slot = s
            slot_of[slot_owner[slot]] = -1
        kernel_block(X[i], XT, kind, gamma, degree, coef0, cache[slot], cache[n_slots])
        slot_of[i] = slot
        slot_owner[slot] = i
    slot_time[slot] = state[CLOCK]
    return cache[slot]


@jit
def _record(trace, state, value):
    """Keep every ``stride``-th value; when ``trace`` is full, drop every other one and double
    the stride, so any number of updates fits in a fixed buffer, evenly spaced."""
    state[T_SEEN] += 1
    if state[T_SEEN] % state[T_STRIDE] != 0:
        return
    if state[T_COUNT] == trace.shape[0]:
        half = trace.shape[0] // 2
        for s in range(half):
            trace[s] = trace[2 * s + 1]
        state[T_COUNT] = half
        state[T_STRIDE] *= 2
        if state[T_SEEN] % state[T_STRIDE] != 0:
            return
    trace[state[T_COUNT]] = value
    state[T_COUNT] += 1


@jit
def smo_solve(
    X, XT, y, qd, kind, gamma, degree, coef0, C, tol, alpha, G,
    cache, slot_of, slot_owner, slot_time, state, max_steps, alpha_cap, objective, trace,
):  # fmt: skip
    """At most ``max_steps`` SMO pair updates; returns CONVERGED, UNBOUNDED or RUNNING.

    Working set by libsvm's second-order rule (Fan, Chen & Lin 2005): i maximises
    ``-y_t G_t`` over I_up, j minimises ``-(m - (-y_t G_t))^2 / (K_ii + K_tt - 2 K_it)`` over
    I_low. Stops when ``m(a) - M(a) < tol``. With ``C = inf`` (hard margin), an alpha above
    ``alpha_cap`` means the dual is unbounded: the data are not separable.
    ``objective[0]`` follows f(a) through every update; ``trace`` (even length, may be empty)
    receives the dual objective ``-f`` along the way (see ``_record``).
    """
    n = X.shape[0]
    for _ in range(max_steps):
        gmax = -np.inf
        i = -1
        for t in range(n):
            if y[t] > 0:
                if alpha[t] < C and -G[t] >= gmax:
                    gmax = -G[t]
                    i = t
            elif alpha[t] > 0.0 and G[t] >= gmax:
                gmax = G[t]
                i = t
        if i < 0:
            return CONVERGED
        Ki = _kernel_row(
            X, XT, i, kind, gamma, degree, coef0, cache, slot_of, slot_owner, slot_time, state
        )
        gmax2 = -np.inf
        j = -1
        obj_min = np.inf
        for t in range(n):
            if y[t] > 0:
                if alpha[t] <= 0.0:
                    continue
                grad_diff = gmax + G[t]
                if G[t] >= gmax2:
                    gmax2 = G[t]
            else:
                if alpha[t] >= C:
                    continue
                grad_diff = gmax - G[t]
                if -G[t] >= gmax2:
                    gmax2 = -G[t]
            if grad_diff > 0.0:
                quad = qd[i] + qd[t] - 2.0 * Ki[t]
                if quad <= 0.0:
                    quad = TAU
                obj = -(grad_diff * grad_diff) / quad
                if obj <= obj_min:
                    j = t
                    obj_min = obj
        if gmax + gmax2 < tol or j < 0:
            return CONVERGED
        Kj = _kernel_row(
            X, XT, j, kind, gamma, degree, coef0, cache, slot_of, slot_owner, slot_time, state
        )
        old_i = alpha[i]
        old_j = alpha[j]
        quad = qd[i] + qd[j] - 2.0 * Ki[j]
        if quad <= 0.0:
            quad = TAU
        # Analytic two-variable update clipped to the box (libsvm's Solver::Solve, C_i = C_j).
        if y[i] != y[j]:
            delta = (-G[i] - G[j]) / quad
            diff = old_i - old_j
            alpha[i] = old_i + delta
            alpha[j] = old_j + delta
            if diff > 0.0:
                if alpha[j] < 0.0:
                    alpha[j] = 0.0
                    alpha[i] = diff
            elif alpha[i] < 0.0:
                alpha[i] = 0.0
                alpha[j] = -diff
            if diff > 0.0:
                if alpha[i] > C:
                    alpha[i] = C
                    alpha[j] = C - diff
            elif alpha[j] > C:
                alpha[j] = C
                alpha[i] = C + diff
        else:
            delta = (G[i] - G[j]) / quad
            total = old_i + old_j
            alpha[i] = old_i - delta
            alpha[j] = old_j + delta
            if total > C:
                if alpha[i] > C:
                    alpha[i] = C
                    alpha[j] = total - C
                if alpha[j] > C:
                    alpha[j] = C
                    alpha[i] = total - C
            else:
                if alpha[j] < 0.0:
                    alpha[j] = 0.0
                    alpha[i] = total
                if alpha[i] < 0.0:
                    alpha[i] = 0.0
                    alpha[j] = total
        ai = alpha[i] - old_i
        aj = alpha[j] - old_j
        # f is quadratic: its change follows exactly from the old gradient and Q's 2x2 block.
        objective[0] += (
            G[i] * ai
            + G[j] * aj
            + 0.5 * (qd[i] * ai * ai + qd[j] * aj * aj)
            + y[i] * y[j] * Ki[j] * ai * aj
        )
        di = ai * y[i]
        dj = aj * y[j]
        for t in range(n):
            G[t] += y[t] * (di * Ki[t] + dj * Kj[t])
        state[N_ITER] += 1
        state[LAST_I] = i
        state[LAST_J] = j
        if trace.shape[0] > 0:
            _record(trace, state, -objective[0])
        if alpha[i] > alpha_cap or alpha[j] > alpha_cap:
            return UNBOUNDED
    return RUNNING


@jit
def smo_summary(y, alpha, G, C, tol):
    """``(rho, gap, minimised objective)`` and the KKT-violator mask of the current iterate.

    ``rho`` is libsvm's: the mean of ``y_i G_i`` over free alphas, else the midpoint of its
    bounds; the decision function is ``sum_i a_i y_i K(x_i, x) - rho``. A point violates KKT
    when ``y_i f(x_i) - 1 = G_i - y_i rho`` has the wrong sign for its alpha, beyond ``tol``.
    """
    n = y.shape[0]
    ub = np.inf
    lb = -np.inf
    sum_free = 0.0
    n_free = 0
    up = -np.inf
    low = -np.inf
    obj = 0.0
    for t in range(n):
        yg = y[t] * G[t]
        obj += 0.5 * alpha[t] * (G[t] - 1.0)
        at_upper = alpha[t] >= C
        at_lower = alpha[t] <= 0.0
        if (y[t] > 0 and not at_upper) or (y[t] < 0 and not at_lower):
            up = max(up, -yg)
        if (y[t] > 0 and not at_lower) or (y[t] < 0 and not at_upper):
            low = max(low, yg)
        if at_upper:
            if y[t] < 0:
                ub = min(ub, yg)
            else:
                lb = max(lb, yg)
        elif at_lower:
            if y[t] > 0:
                ub = min(ub, yg)
            else:
                lb = max(lb, yg)
        else:
            n_free += 1
            sum_free += yg
    # With both classes present, ub and lb are finite whenever no alpha is free.
    rho = sum_free / n_free if n_free > 0 else 0.5 * (ub + lb)
    violators = np.zeros(n, dtype=np.bool_)
    for t in range(n):
        margin = G[t] - y[t] * rho  # y_t f(x_t) - 1
        if alpha[t] <= 0.0:
            violators[t] = margin < -tol
        elif alpha[t] >= C:
            violators[t] = margin > tol
        else:
            violators[t] = abs(margin) > tol
    return rho, up + low, obj, violators


@jit(parallel=True)
def decision_values(X, SVT, coef, b, kind, gamma, degree, coef0):
    """``f(x) = sum_s coef_s K(sv_s, x) + b`` for every row of X, shape (n_samples,).

    ``SVT``: the support vectors transposed, (n_features, n_SV). Points go in blocks, so each
    thread allocates its buffers once.
    """
    n = X.shape[0]
    m = SVT.shape[1]
    out = np.empty(n)
    block = 256
    for blk in prange((n + block - 1) // block):
        krow = np.empty(m)
        scratch = np.empty(m)
        for p in range(blk * block, min(n, (blk + 1) * block)):
            kernel_block(X[p], SVT, kind, gamma, degree, coef0, krow, scratch)
            s = b
            for q in range(m):
                s += coef[q] * krow[q]
            out[p] = s
    return out
