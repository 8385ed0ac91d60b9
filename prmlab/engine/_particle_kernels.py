"""Numba kernels of the bootstrap (SIR) particle filter and its resamplers.

Formula sheet, 连续非线性隐变量-粒子滤波: with the proposal q = p(z_t | z_t-1) the weight update is
``w_t ∝ p(x_t | z_t) w_t-1``, kept in log space and normalised by log-sum-exp.
Every model runs through the same compiled signature: ``kind`` picks the transition and the
likelihood, the model's arrays are always passed (unused ones are 1x1).
Random numbers come from the ``np.random.Generator`` passed in, so a seed reproduces a run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from prmlab.engine._jit import jit
from prmlab.engine._kalman_kernels import cholesky_into

LINEAR_GAUSSIAN = 0
RANGE_BEARING = 1
GROWTH = 2

SYSTEMATIC = 0
STRATIFIED = 1
RESIDUAL = 2
MULTINOMIAL = 3

LOG_2PI = math.log(2.0 * math.pi)
# log of a relative weight too small to matter in a sum of weights that includes 1
NEGLIGIBLE = -700.0


# ----------------------------------------------------------------------------- resampling


@jit
def _walk(w, positions, out):
    """``out[i]`` = first j with cumsum(w)[j] > positions[i]; positions sorted in [0, 1)."""
    N = w.shape[0]
    j = 0
    c = w[0]
    for i in range(positions.shape[0]):
        while c <= positions[i] and j < N - 1:
            j += 1
            c += w[j]
        out[i] = j


@jit
def _sorted_uniforms(rng, positions):
    """Sorted U(0, 1) draws in O(n): normalised partial sums of n + 1 exponentials."""
    n = positions.shape[0]
    total = 0.0
    for i in range(n):
        total += rng.standard_exponential()
        positions[i] = total
    total += rng.standard_exponential()
    for i in range(n):
        positions[i] /= total


@jit
def resample_kernel(code, w, rng, out, positions):
    """Indices ``out`` (n,) drawn from normalised weights ``w`` (N,) by resampler ``code``.

    systematic: one U(0,1), positions (u + i) / n; stratified: one U(0,1) per stratum;
    multinomial: n sorted uniforms; residual: floor(n w_i) copies of i, the rest multinomial
    on the residual weights ``n w_i - floor(n w_i)``.
    """
    n = out.shape[0]
    if code == SYSTEMATIC:
        u = rng.random()
        for i in range(n):
            positions[i] = (u + i) / n
        _walk(w, positions, out)
    elif code == STRATIFIED:
        for i in range(n):
            positions[i] = (rng.random() + i) / n
        _walk(w, positions, out)
    elif code == MULTINOMIAL:
        _sorted_uniforms(rng, positions)
        _walk(w, positions, out)
    else:
        N = w.shape[0]
        k = 0
        residual = np.empty(N)
        rsum = 0.0
        for j in range(N):
            nw = n * w[j]
            c = min(int(math.floor(nw)), n - k)
            for _ in range(c):
                out[k] = j
                k += 1
            residual[j] = max(nw - c, 0.0)
            rsum += residual[j]
        rest = n - k
        if rest > 0:
            for j in range(N):
                residual[j] /= rsum
            _sorted_uniforms(rng, positions[:rest])
            _walk(residual, positions[:rest], out[k:])


# ----------------------------------------------------------------------------- models


@jit
def _propagate(kind, F, LQ, params, X, lo, hi, t, rng, eps, tmp):
    """Replace rows ``lo:hi`` of ``X`` (N, n) by draws of p(z_t | z_t-1 = row); t is 1-based.

    Linear motion: ``F x + L eps`` with ``L L^T = Q`` (L is n x rank(Q)); growth: Kitagawa.
    """
    n = X.shape[1]
    if kind == GROWTH:
        drift = 8.0 * math.cos(1.2 * t)
        for p in range(lo, hi):
            v = X[p, 0]
            X[p, 0] = 0.5 * v + 25.0 * v / (1.0 + v * v) + drift + params[0] * rng.standard_normal()
        return
    r = LQ.shape[1]
    for p in range(lo, hi):
        for a in range(r):
            eps[a] = rng.standard_normal()
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += F[i, j] * X[p, j]
            for a in range(r):
                s += LQ[i, a] * eps[a]
            tmp[i] = s
        for i in range(n):
            X[p, i] = tmp[i]


@jit
def _sq_residuals(kind, H, LR, obs, k, beacons, params, z, X, lo, hi, q, y):
    """``q[p] = -2 log p(z_obs | X[p])`` for rows ``lo:hi``, up to a constant.

    Squared standardised residuals.

    Linear: ``|L^-1 (z - H x)|^2`` by forward substitution (L L^T = R_obs); range-bearing:
    range and wrapped bearing residuals over their noise scales; growth: ``(z - x^2/20)/sigma``.
    One loop per model, so the model test is not inside the loop.
    """
    n = X.shape[1]
    if kind == LINEAR_GAUSSIAN:
        for p in range(lo, hi):
            acc = 0.0
            for a in range(k):
                ia = obs[a]
                s = z[ia]
                for j in range(n):
                    s -= H[ia, j] * X[p, j]
                for b in range(a):
                    s -= LR[a, b] * y[b]
                s /= LR[a, a]
                y[a] = s
                acc += s * s
            q[p] = acc
    elif kind == RANGE_BEARING:
        for p in range(lo, hi):
            acc = 0.0
            for a in range(k):
                ia = obs[a]
                dx = X[p, 0] - beacons[ia // 2, 0]
                dy = X[p, 1] - beacons[ia // 2, 1]
                if ia % 2 == 0:
                    e = (z[ia] - math.sqrt(dx * dx + dy * dy)) / params[0]
                else:
                    e = z[ia] - math.atan2(dy, dx)
                    e = ((e + math.pi) % (2.0 * math.pi) - math.pi) / params[1]
                acc += e * e
            q[p] = acc
    else:
        for p in range(lo, hi):
            e = (z[0] - X[p, 0] * X[p, 0] / 20.0) / params[1]
            q[p] = e * e


@jit
def _settle_and_sum(X, logw, q, shift, measured, lo, hi, sums):
    """``logw <- logw - shift - q / 2`` on rows ``lo:hi`` (NaN or overflow -> -inf: impossible),
    and the rows' weight moments in the same pass.

    ``shift`` is the previous step's log-normaliser, so the weights need no pass of their own.
    ``sums`` (3 + 2n + n*n,) gets ``[top, sum w, sum w^2, ref, sum w d, sum w d d^T]`` with
    ``w = exp(logw - top)``, top the rows' largest log-weight (the sums are rescaled whenever it
    grows), and ``d = x - ref`` about ``ref = X[lo]``: a particle, close to the cloud, so no
    cancellation. Weights below ``exp(NEGLIGIBLE)`` of the top count as 0 (subnormals are slow).
    Only the upper triangle of ``d d^T`` is summed.
    """
    n = X.shape[1]
    top = -math.inf
    total = 0.0
    s2 = 0.0
    acc = np.zeros(n + n * n)  # local: ``sums`` may share a cache line with the other half's
    d = np.empty(n)
    for p in range(lo, hi):
        lw = logw[p] - shift
        if measured:
            lw -= 0.5 * q[p]
        else:
            for i in range(n):
                if not math.isfinite(X[p, i]):
                    lw = -math.inf
        if not lw > -math.inf:
            lw = -math.inf
        logw[p] = lw
        if lw == -math.inf or lw - top < NEGLIGIBLE:
            continue
        if lw > top:
            f = math.exp(top - lw)  # 0 for the first weight
            total *= f
            s2 *= f * f
            for i in range(acc.shape[0]):
                acc[i] *= f
            top = lw
        wp = math.exp(lw - top)
        total += wp
        s2 += wp * wp
        for i in range(n):
            d[i] = X[p, i] - X[lo, i]
        for i in range(n):
            wd = wp * d[i]
            acc[i] += wd
            for j in range(i, n):
                acc[n + i * n + j] += wd * d[j]
    sums[0] = top
    sums[1] = total
    sums[2] = s2
    if hi > lo:
        sums[3 : 3 + n] = X[lo]
    sums[3 + n :] = acc


@jit
def _loglik_const(kind, R, obs, k, params, LR):
    """The x-independent part of log p(z_obs | x); factors R_obs into ``LR`` (False if not PD)."""
    if kind == LINEAR_GAUSSIAN:
        for a in range(k):
            for b in range(k):
                y = R[obs[a], obs[b]]
                LR[b, a] = y
                LR[a, b] = y
        # cholesky_into reads the lower triangle column by column, so in place is safe
        if not cholesky_into(LR, LR, k):
            return False, 0.0
        c = -0.5 * k * LOG_2PI
        for a in range(k):
            c -= math.log(LR[a, a])
        return True, c
    if kind == RANGE_BEARING:
        c = -0.5 * k * LOG_2PI
        for a in range(k):
            c -= math.log(params[0] if obs[a] % 2 == 0 else params[1])
        return True, c
    return True, -0.5 * LOG_2PI - math.log(params[1])


@jit
def _measure(kind, H, LR, beacons, params, x, z, rng):
    """Sample ``z ~ p(z | x)``; ``LR`` is the Cholesky factor of R (linear-Gaussian)."""
    if kind == LINEAR_GAUSSIAN:
        m = H.shape[0]
        n = x.shape[0]
        e = np.empty(m)
        for a in range(m):
            e[a] = rng.standard_normal()
        for a in range(m):
            s = 0.0
            for j in range(n):
                s += H[a, j] * x[j]
            for b in range(a + 1):
                s += LR[a, b] * e[b]
            z[a] = s
    elif kind == RANGE_BEARING:
        for b in range(beacons.shape[0]):
            dx = x[0] - beacons[b, 0]
            dy = x[1] - beacons[b, 1]
            z[2 * b] = math.sqrt(dx * dx + dy * dy) + params[0] * rng.standard_normal()
            th = math.atan2(dy, dx) + params[1] * rng.standard_normal()
            z[2 * b + 1] = (th + math.pi) % (2.0 * math.pi) - math.pi
    else:
        z[0] = x[0] * x[0] / 20.0 + params[1] * rng.standard_normal()


@jit
def simulate_kernel(kind, F, LQ, H, LR, beacons, params, first, states, zs, rng):
    """Sample a path: ``states[0] = first``, then transitions and measurements."""
    eps = np.empty(max(LQ.shape[1], 1))
    tmp = np.empty(states.shape[1])
    row = np.empty((1, states.shape[1]))
    row[0, :] = first
    for t in range(states.shape[0]):
        if t > 0:
            _propagate(kind, F, LQ, params, row, 0, 1, t + 1, rng, eps, tmp)
        states[t, :] = row[0]
        _measure(kind, H, LR, beacons, params, states[t], zs[t], rng)


# ----------------------------------------------------------------------------- the filter


@jit
def _halves(N, c):
    """Rows ``lo:hi`` of half ``c`` (0 or 1) of ``N`` particles."""
    half = N // 2
    return (0, half) if c == 0 else (half, N)


# Both parallel kernels split the cloud in two fixed halves, not one per thread, each half with
# its own generator, so a seed gives the same run on any machine.


@jit(parallel=True)
def _advance_halves(
    kind, F, LQ, H, LR, obs, k, beacons, params, z, g, particles, logw, w, shift, rngs, sums,
):  # fmt: skip
    """Propagate (unless ``g == 0``), weigh by ``z`` and settle both halves in parallel.

    ``w`` gets the squared residuals, ``sums[c]`` a half's ``_settle_and_sum``.
    """
    # Each half's own work vectors, 64 bytes apart: shared ones would share a cache line
    # between the cores. (Allocated here: Numba hoists an allocation in a prange body out of
    # the loop, so both halves would write to one buffer.)
    size = max(LQ.shape[1], particles.shape[1], z.shape[0], 1) + 8
    work = np.empty((2, 3, size))
    for c in prange(2):
        lo, hi = _halves(particles.shape[0], c)
        eps, tmp, y = work[c, 0], work[c, 1], work[c, 2]
        if g > 0:
            _propagate(kind, F, LQ, params, particles, lo, hi, g + 1, rngs[c], eps, tmp)
        if k > 0:
            _sq_residuals(kind, H, LR, obs, k, beacons, params, z, particles, lo, hi, w, y)
        _settle_and_sum(particles, logw, w, shift, k > 0, lo, hi, sums[c])


@jit(parallel=True)
def _normalised_weights(logw, log_total, w):
    """``w = exp(logw - log_total)``, both halves in parallel."""
    for c in prange(2):
        lo, hi = _halves(logw.shape[0], c)
        for p in range(lo, hi):
            w[p] = math.exp(logw[p] - log_total)


@jit(parallel=True)
def _gather_halves(X, idx, other):
    """``X <- X[idx]`` through the buffer ``other``, each half of the rows on its own core."""
    n = X.shape[1]
    for c in prange(2):
        lo, hi = _halves(X.shape[0], c)
        for p in range(lo, hi):
            for i in range(n):
                other[p, i] = X[idx[p], i]
    for c in prange(2):
        lo, hi = _halves(X.shape[0], c)
        for p in range(lo, hi):
            for i in range(n):
                X[p, i] = other[p, i]


@jit
def _moments(sums, mean, cov):
    """The weighted mean (n,) and covariance (n, n) from both halves' ``_settle_and_sum``.

    Each half's sums are brought to the common top and reference ``c`` (``d = d_h + delta``),
    then ``cov = E[(x - c)(x - c)^T] - (m - c)(m - c)^T``.
    Returns ``(top, log sum exp(logw - top), ESS)``; top is -inf if every weight is 0.
    """
    n = mean.shape[0]
    top = max(sums[0, 0], sums[1, 0])
    if not top > -math.inf:
        return top, 0.0, 0.0
    ref = sums[0, 3 : 3 + n] if sums[0, 0] > -math.inf else sums[1, 3 : 3 + n]
    total = 0.0
    s2 = 0.0
    s1 = np.zeros(n)
    moment = np.zeros((n, n))
    delta = np.empty(n)
    half = np.empty(n)
    for c in range(2):
        if not sums[c, 0] > -math.inf:
            continue
        f = math.exp(sums[c, 0] - top)
        wc = f * sums[c, 1]
        total += wc
        s2 += f * f * sums[c, 2]
        for i in range(n):
            delta[i] = sums[c, 3 + i] - ref[i]
            half[i] = f * sums[c, 3 + n + i]
        for i in range(n):
            s1[i] += half[i] + wc * delta[i]
            for j in range(i, n):
                moment[i, j] += (
                    f * sums[c, 3 + 2 * n + i * n + j]
                    + half[i] * delta[j]
                    + delta[i] * half[j]
                    + wc * delta[i] * delta[j]
                )
    for i in range(n):
        mean[i] = s1[i] / total
    for i in range(n):
        for j in range(i, n):
            v = moment[i, j] / total - mean[i] * mean[j]
            cov[i, j] = v
            cov[j, i] = v
    for i in range(n):
        mean[i] += ref[i]
    return top, math.log(total), total * total / s2


@jit
def filter_kernel(
    kind, F, LQ, H, R, beacons, params, zs, t0, particles, logw, rng, rng2, resampler,
    ess_threshold,
    means, covs, ess, resampled, loglik, keep, kept_particles, kept_weights,
):  # fmt: skip
    """Run the SIR filter over ``zs`` (T, m), continuing from ``particles`` (N, n), ``logw`` (N,).

    Per step (global index ``t0 + t``): propagate (unless it is the very first step), add
    log-likelihoods, normalise by log-sum-exp, record mean/cov/ESS, resample if
    ``ESS < ess_threshold * N``. ``particles``/``logw`` (normalised) are updated in place, so
    chunks can follow each other. Returns -1, or the step where every particle became
    impossible.
    """
    T = zs.shape[0]
    N, n = particles.shape
    m = zs.shape[1]
    other = np.empty_like(particles)
    rngs = (rng, rng2)
    sums = np.empty((2, 3 + 2 * n + n * n))
    obs = np.empty(m, dtype=np.int64)
    LR = np.empty((m, m))
    w = np.empty(N)
    idx = np.empty(N, dtype=np.int64)
    positions = np.empty(N)
    log_n = math.log(N)
    shift = 0.0  # log-normaliser not yet subtracted from logw
    for t in range(T):
        g = t0 + t
        z = zs[t]
        k = 0
        for i in range(m):
            if not math.isnan(z[i]):
                obs[k] = i
                k += 1
        const = 0.0
        if k > 0:
            ok, const = _loglik_const(kind, R, obs, k, params, LR)
            if not ok:
                return t
        _advance_halves(
            kind, F, LQ, H, LR, obs, k, beacons, params, z, g, particles, logw, w, shift, rngs,
            sums,
        )  # fmt: skip
        top, log_total, ess[t] = _moments(sums, means[t], covs[t])
        if not top > -math.inf:
            return t
        loglik[t] = top + log_total + const
        shift = top + log_total
        resampled[t] = ess[t] < ess_threshold * N
        if keep or resampled[t]:
            _normalised_weights(logw, shift, w)
        if keep:
            kept_particles[t, :, :] = particles
            kept_weights[t, :] = w
        if resampled[t]:
            resample_kernel(resampler, w, rng, idx, positions)
            _gather_halves(particles, idx, other)
            logw[:] = -log_n
            shift = 0.0
    for p in range(N):
        logw[p] -= shift
    return -1
