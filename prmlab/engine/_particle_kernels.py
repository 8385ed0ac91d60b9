"""Numba kernels of the bootstrap (SIR) particle filter and its resamplers.

PRML §13.3.4: with the proposal q = p(z_t | z_t-1) the weight update is
``w_t ∝ p(x_t | z_t) w_t-1``, kept in log space and normalised by log-sum-exp.
Every model runs through the same compiled signature: ``kind`` picks the transition and the
likelihood, the model's arrays are always passed (unused ones are 1x1).
Normal draws come from ``_normal_stream`` streams, resampling's uniforms from the
``np.random.Generator`` passed in; both are seeded by the user's seed, which reproduces a run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from prmlab.engine._jit import jit
from prmlab.engine._kalman_kernels import cholesky_into
from prmlab.engine._lanes import (
    LANES,
    MOMENT_BLOCK,
    exp4_shifted,
    weighted_cross_moment,
    weighted_moment,
)
from prmlab.engine._normal_stream import standard_normal
from prmlab.engine._parallel import chunk_range

LINEAR_GAUSSIAN = 0
RANGE_BEARING = 1
GROWTH = 2

SYSTEMATIC = 0
STRATIFIED = 1
RESIDUAL = 2
MULTINOMIAL = 3

LOG_2PI = math.log(2.0 * math.pi)
# Log of a relative weight too small to matter in a sum of weights that includes 1 (e^-300 is
# ~1e-130), and far enough from the subnormal range that its square and products stay normal:
# arithmetic on subnormals is ~100x slower (seen: a whole filter step twice as long).
NEGLIGIBLE = -300.0


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
def _sorted_positions(code, rng, positions):
    """The sorted points in [0, 1) that systematic, stratified or multinomial resampling
    (``code``) looks up in the cumulative weights."""
    n = positions.shape[0]
    if code == SYSTEMATIC:
        u = rng.random()
        for i in range(n):
            positions[i] = (u + i) / n
    elif code == STRATIFIED:
        for i in range(n):
            positions[i] = (rng.random() + i) / n
    else:
        _sorted_uniforms(rng, positions)


@jit
def resample_kernel(code, w, rng, out, positions):
    """Indices ``out`` (n,) drawn from normalised weights ``w`` (N,) by resampler ``code``.

    systematic: one U(0,1), positions (u + i) / n; stratified: one U(0,1) per stratum;
    multinomial: n sorted uniforms; residual: floor(n w_i) copies of i, the rest multinomial
    on the residual weights ``n w_i - floor(n w_i)``.
    """
    n = out.shape[0]
    if code != RESIDUAL:
        _sorted_positions(code, rng, positions)
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
def _add_combination(y, coefs, rows, lo, hi, sign):
    """``y[lo:hi] += sign * sum_j coefs[j] * rows[j, lo:hi]`` (sign is +1 or -1), zero
    coefficients skipped: one vectorised loop over particles per term."""
    for j in range(coefs.shape[0]):
        c = sign * coefs[j]
        if c != 0.0:
            row = rows[j]
            for p in range(lo, hi):
                y[p] += c * row[p]


@jit
def _propagate(kind, F, LQ, params, X, Y, E, lo, hi, t, stream):
    """Columns ``lo:hi`` of ``Y`` (n, N) get draws of p(z_t | z_t-1 = the column of ``X``).

    Particles are columns (state-major), so each update is a loop over particles that the
    compiler vectorises. Linear motion: ``F x + L eps`` with ``L L^T = Q`` (L is n x rank(Q);
    the draws ``eps`` go to ``E`` (r, N), particle by particle); zero entries of F and L are
    skipped. Growth (1-D): Kitagawa's model. ``t`` is 1-based; ``stream`` gives the draws.
    """
    # Draws from a private copy of the stream: neighbouring chunks' streams share a cache
    # line, and a write to it per draw from two cores made the draws 3x slower.
    s = stream.copy()
    if kind == GROWTH:
        drift = 8.0 * math.cos(1.2 * t)
        for p in range(lo, hi):
            v = X[0, p]
            Y[0, p] = 0.5 * v + 25.0 * v / (1.0 + v * v) + drift + params[0] * standard_normal(s)
    else:
        for p in range(lo, hi):
            for a in range(LQ.shape[1]):
                E[a, p] = standard_normal(s)
        for i in range(F.shape[0]):
            Y[i, lo:hi] = 0.0
            _add_combination(Y[i], F[i], X, lo, hi, 1.0)
            _add_combination(Y[i], LQ[i], E, lo, hi, 1.0)
    stream[:] = s


@jit(parallel=True)
def spread_kernel(centre, L, streams, cloud):
    """``cloud[:, p] = centre + L e_p`` (n, N), ``e_p ~ N(0, I)``: a Gaussian cloud with
    covariance ``L L^T``, drawn like a transition (F = I) from ``centre``, one chunk of the
    particles per stream of ``streams`` (chunks, 4), in parallel.
    """
    n, N = cloud.shape
    start = np.empty((n, N))
    for i in range(n):
        start[i, :] = centre[i]
    E = np.empty((max(L.shape[1], 1), N))
    chunks = streams.shape[0]
    for c in prange(chunks):
        lo, hi = chunk_range(N, c, chunks)
        _propagate(LINEAR_GAUSSIAN, np.eye(n), L, centre, start, cloud, E, lo, hi, 1, streams[c])


@jit
def _sq_residuals(kind, H, LR, obs, k, beacons, params, z, X, lo, hi, q, U):
    """``q[p] = -2 log p(z_obs | X[:, p])`` for particles ``lo:hi``, up to a constant.

    Squared standardised residuals. Linear: ``|L^-1 (z - H x)|^2`` by forward substitution
    (L L^T = R_obs), row ``a`` of ``U`` (>= k, N) holding the a-th whitened residual of every
    particle; range-bearing: range and wrapped bearing residuals over their noise scales;
    growth: ``(z - x^2/20)/sigma``. One loop per model, so the model test is not inside it.
    """
    if kind == LINEAR_GAUSSIAN:
        q[lo:hi] = 0.0
        for a in range(k):
            ia = obs[a]
            u = U[a]
            u[lo:hi] = z[ia]
            _add_combination(u, H[ia], X, lo, hi, -1.0)
            _add_combination(u, LR[a, :a], U, lo, hi, -1.0)
            d = LR[a, a]
            for p in range(lo, hi):
                u[p] /= d
                q[p] += u[p] * u[p]
    elif kind == RANGE_BEARING:
        for p in range(lo, hi):
            acc = 0.0
            for a in range(k):
                ia = obs[a]
                dx = X[0, p] - beacons[ia // 2, 0]
                dy = X[1, p] - beacons[ia // 2, 1]
                if ia % 2 == 0:
                    e = (z[ia] - math.sqrt(dx * dx + dy * dy)) / params[0]
                else:
                    e = z[ia] - math.atan2(dy, dx)
                    e = ((e + math.pi) % (2.0 * math.pi) - math.pi) / params[1]
                acc += e * e
            q[p] = acc
    else:
        for p in range(lo, hi):
            e = (z[0] - X[0, p] * X[0, p] / 20.0) / params[1]
            q[p] = e * e


@jit
def _weighted_product(w, a, ra, b, rb, lo, hi):
    """``sum_p w[p] (a[p] - ra) (b[p] - rb)`` over ``lo:hi``; ``b=None`` drops its factor.

    Whole groups of ``MOMENT_BLOCK`` particles in vector lanes (``_lanes``), the rest one by
    one, added last: the same order on any thread.
    """
    blocks = (hi - lo) // MOMENT_BLOCK
    rest = lo + blocks * MOMENT_BLOCK
    tail = 0.0
    if b is None:
        s = weighted_moment(w, a, ra, lo, blocks)
        for p in range(rest, hi):
            tail += w[p] * (a[p] - ra)
    else:
        s = weighted_cross_moment(w, a, ra, b, rb, lo, blocks)
        for p in range(rest, hi):
            tail += w[p] * (a[p] - ra) * (b[p] - rb)
    return s + tail


@jit
def _settle(X, logw, q, shift, measured, lo, hi):
    """``logw <- logw - shift - q / 2`` on particles ``lo:hi`` (columns of X, (n, N)) (NaN or
    overflow -> -inf: impossible); returns their largest log-weight.

    ``shift`` is the previous step's log-normaliser, so the weights need no pass of their own.
    Unmeasured (``q`` unused), particles that left the finite numbers become impossible.
    """
    n = X.shape[0]
    top = -math.inf
    for p in range(lo, hi):
        lw = logw[p] - shift
        if measured:
            lw -= 0.5 * q[p]
        else:
            for i in range(n):
                if not math.isfinite(X[i, p]):
                    lw = -math.inf
        if not lw > -math.inf:
            lw = -math.inf
        logw[p] = lw
        top = max(top, lw)
    return top


@jit
def _add_weight_moments(X, logw, top, lo, hi, w, sums):
    """Add the weight moments of particles ``lo:hi`` to ``sums`` (3 + 2n + n*n,), laid out
    ``[top, sum w, sum w^2, ref, sum w d, sum w d d^T]``, and set ``w = exp(logw - top)``.

    ``d = x - ref`` about ``ref = sums[3:3+n]``, a particle close to the cloud, so no
    cancellation. Weights below ``exp(NEGLIGIBLE)`` of the top count as 0 (subnormals are
    slow). Only the upper triangle of ``d d^T`` is summed.
    """
    n = X.shape[0]
    # four lanes at a time: a scalar math.exp was ~4 ns a particle, a quarter of this pass
    rest = lo + (hi - lo) // LANES * LANES
    for p in range(lo, rest, LANES):
        exp4_shifted(logw, w, p, top)
    for p in range(rest, hi):
        w[p] = math.exp(logw[p] - top)
    total = 0.0
    s2 = 0.0
    for p in range(lo, hi):
        wp = w[p] if logw[p] - top > NEGLIGIBLE else 0.0
        w[p] = wp
        total += wp
        s2 += wp * wp
    sums[1] += total
    sums[2] += s2
    ref = sums[3 : 3 + n]
    for i in range(n):
        sums[3 + n + i] += _weighted_product(w, X[i], ref[i], None, 0.0, lo, hi)
        for j in range(i, n):
            sums[3 + 2 * n + i * n + j] += _weighted_product(w, X[i], ref[i], X[j], ref[j], lo, hi)


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
def _measure(kind, H, LR, beacons, params, x, z, stream):
    """Sample ``z ~ p(z | x)``; ``LR`` is the Cholesky factor of R (linear-Gaussian)."""
    if kind == LINEAR_GAUSSIAN:
        m = H.shape[0]
        n = x.shape[0]
        e = np.empty(m)
        for a in range(m):
            e[a] = standard_normal(stream)
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
            z[2 * b] = math.sqrt(dx * dx + dy * dy) + params[0] * standard_normal(stream)
            th = math.atan2(dy, dx) + params[1] * standard_normal(stream)
            z[2 * b + 1] = (th + math.pi) % (2.0 * math.pi) - math.pi
    else:
        z[0] = x[0] * x[0] / 20.0 + params[1] * standard_normal(stream)


@jit
def simulate_kernel(kind, F, LQ, H, LR, beacons, params, first, states, zs, stream):
    """Sample a path: ``states[0] = first``, then transitions and measurements."""
    n = states.shape[1]
    X = np.empty((n, 1))
    Y = np.empty((n, 1))
    E = np.empty((max(LQ.shape[1], 1), 1))
    X[:, 0] = first
    for t in range(states.shape[0]):
        if t > 0:
            _propagate(kind, F, LQ, params, X, Y, E, 0, 1, t + 1, stream)
            X[:, 0] = Y[:, 0]
        states[t, :] = X[:, 0]
        _measure(kind, H, LR, beacons, params, states[t], zs[t], stream)


# ----------------------------------------------------------------------------- the filter


# The parallel kernels split the cloud into ``N_CHUNKS`` chunks (a constant, not one per
# thread), each with its own stream of draws and its own partial sums, combined in chunk
# order: a seed gives the same run on 1 thread or 64. Particles are the columns of (n, N)
# arrays; a step writes the next cloud to a second array (the caller swaps the two).


# Particles per block of ``_advance_chunks``: a block's rows (~16 of them) stay in the core's
# cache between the passes over it, where whole rows of 10^5 particles went to memory and back.
BLOCK = 1024


@jit(parallel=True)
def _advance_chunks(
    kind, F, LQ, H, LR, obs, k, beacons, params, z, g, X, Y, E, U, logw, w, shift, streams,
    sums,
):  # fmt: skip
    """Every chunk ``c`` in parallel: propagate ``X`` into ``Y`` (unless ``g == 0``: the cloud
    stays in ``X``) with ``streams[c]``, weigh by ``z``, and sum the chunk's weight moments into
    ``sums[c]`` (see ``_add_weight_moments``), block by block.

    ``E`` (r, N) and ``U`` (>= k, N) are work rows; ``w`` gets each chunk's weights
    ``exp(logw - top)``, top the chunk's largest log-weight.
    """
    chunks = sums.shape[0]
    for c in prange(chunks):
        lo, hi = chunk_range(X.shape[1], c, chunks)
        cloud = Y if g > 0 else X
        top = -math.inf
        for b in range(lo, hi, BLOCK):
            e = min(b + BLOCK, hi)
            if g > 0:
                _propagate(kind, F, LQ, params, X, Y, E, b, e, g + 1, streams[c])
            if k > 0:
                _sq_residuals(kind, H, LR, obs, k, beacons, params, z, cloud, b, e, w, U)
            top = max(top, _settle(cloud, logw, w, shift, k > 0, b, e))
        out = sums[c]
        out[:] = 0.0
        out[0] = top
        if top > -math.inf:
            out[3 : 3 + X.shape[0]] = cloud[:, lo]
            for b in range(lo, hi, BLOCK):
                _add_weight_moments(cloud, logw, top, b, min(b + BLOCK, hi), w, out)
        else:
            w[lo:hi] = 0.0


@jit
def _normalised_weights(sums, log_total, w):
    """``w = exp(logw - log_total)`` from each chunk's ``w = exp(logw - top)``: one scale a
    chunk."""
    chunks = sums.shape[0]
    for c in range(chunks):
        lo, hi = chunk_range(w.shape[0], c, chunks)
        scale = math.exp(sums[c, 0] - log_total)  # 0 for a chunk of impossible particles
        for p in range(lo, hi):
            w[p] *= scale


@jit(parallel=True)
def _gather_chunks(X, idx, Y, chunks):
    """``Y[:, p] = X[:, idx[p]]``, the particles in ``chunks`` parallel chunks.

    Plain loops: slice copies in a prange body were seen to mix columns between the chunks.
    """
    for c in prange(chunks):
        lo, hi = chunk_range(X.shape[1], c, chunks)
        _gather(X, idx, Y, lo, hi)


@jit
def _gather(X, idx, Y, lo, hi):
    """``Y[:, p] = X[:, idx[p]]`` for particles ``lo:hi``."""
    for i in range(X.shape[0]):
        x = X[i]
        y = Y[i]
        for p in range(lo, hi):
            y[p] = x[idx[p]]


@jit(parallel=True)
def _walk_and_gather_chunks(cumulative, positions, idx, X, Y, chunks):
    """``_walk`` then ``_gather_chunks`` in one parallel region of ``chunks`` chunks of the
    resampled particles, given the weights' running sums ``cumulative`` (summed in order, as
    ``_walk`` does): each chunk finds its first index by bisection, so ``idx`` holds the
    indices ``_walk`` gives (the walk, one core's work, was ~80 % of a resampling)."""
    last = cumulative.shape[0] - 1
    for c in prange(chunks):
        lo, hi = chunk_range(idx.shape[0], c, chunks)
        if lo < hi:
            j = min(np.searchsorted(cumulative, positions[lo], side="right"), last)
            for p in range(lo, hi):
                while cumulative[j] <= positions[p] and j < last:
                    j += 1
                idx[p] = j
            _gather(X, idx, Y, lo, hi)


@jit
def _resample_cloud(code, w, rng, idx, positions, cumulative, X, Y, chunks):
    """``Y[:, p] = X[:, idx[p]]`` with ``idx`` drawn from ``w`` as ``resample_kernel`` draws
    it (the same draws, the same indices), in ``chunks`` parallel chunks; ``cumulative`` (N,)
    is work space."""
    if code == RESIDUAL:
        resample_kernel(code, w, rng, idx, positions)
        _gather_chunks(X, idx, Y, chunks)
        return
    _sorted_positions(code, rng, positions)
    total = 0.0
    for j in range(w.shape[0]):
        total += w[j]
        cumulative[j] = total
    _walk_and_gather_chunks(cumulative, positions, idx, X, Y, chunks)


@jit
def _moments(sums, mean, cov):
    """The weighted mean (n,) and covariance (n, n) from every chunk's ``_advance_chunks``.

    Each chunk's sums are brought to the common top and reference ``c`` (``d = d_h + delta``),
    then ``cov = E[(x - c)(x - c)^T] - (m - c)(m - c)^T``.
    Returns ``(top, log sum exp(logw - top), ESS)``; top is -inf if every weight is 0.
    """
    n = mean.shape[0]
    chunks = sums.shape[0]
    top = -math.inf
    first = 0  # the first chunk with a possible particle gives the reference
    for c in range(chunks - 1, -1, -1):
        if sums[c, 0] > -math.inf:
            top = max(top, sums[c, 0])
            first = c
    if not top > -math.inf:
        return top, 0.0, 0.0
    ref = sums[first, 3 : 3 + n]
    total = 0.0
    s2 = 0.0
    s1 = np.zeros(n)
    moment = np.zeros((n, n))
    delta = np.empty(n)
    part = np.empty(n)
    for c in range(chunks):
        if not sums[c, 0] > -math.inf:
            continue
        f = math.exp(sums[c, 0] - top)
        wc = f * sums[c, 1]
        total += wc
        s2 += f * f * sums[c, 2]
        for i in range(n):
            delta[i] = sums[c, 3 + i] - ref[i]
            part[i] = f * sums[c, 3 + n + i]
        for i in range(n):
            s1[i] += part[i] + wc * delta[i]
            for j in range(i, n):
                moment[i, j] += (
                    f * sums[c, 3 + 2 * n + i * n + j]
                    + part[i] * delta[j]
                    + delta[i] * part[j]
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
    kind, F, LQ, H, R, beacons, params, zs, t0, particles, logw, rng, streams, resampler,
    ess_threshold,
    means, covs, ess, resampled, loglik, keep, kept_particles, kept_weights,
):  # fmt: skip
    """Run the SIR filter over ``zs`` (T, m), continuing from ``particles`` (n, N): one particle
    per column, and ``logw`` (N,).

    Per step (global index ``t0 + t``): propagate (unless it is the very first step), add
    log-likelihoods, normalise by log-sum-exp, record mean/cov/ESS, resample if
    ``ESS < ess_threshold * N``. ``particles``/``logw`` (normalised) and the normal
    ``streams`` (chunks, 4), one per chunk of particles, are updated in place, so chunks can follow each other;
    ``kept_particles`` is (T, n, N). Returns -1, or the step
    where every particle became impossible.
    """
    T = zs.shape[0]
    n, N = particles.shape
    m = zs.shape[1]
    cloud = particles
    spare = np.empty_like(particles)
    swapped = False
    E = np.empty((max(LQ.shape[1], 1), N))
    U = np.empty((max(m, 1), N))
    sums = np.empty((streams.shape[0], 3 + 2 * n + n * n))
    obs = np.empty(m, dtype=np.int64)
    LR = np.empty((m, m))
    w = np.empty(N)
    idx = np.empty(N, dtype=np.int64)
    positions = np.empty(N)
    cumulative = np.empty(N)
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
        _advance_chunks(
            kind, F, LQ, H, LR, obs, k, beacons, params, z, g, cloud, spare, E, U, logw, w, shift,
            streams, sums,
        )  # fmt: skip
        if g > 0:
            cloud, spare, swapped = spare, cloud, not swapped
        top, log_total, ess[t] = _moments(sums, means[t], covs[t])
        if not top > -math.inf:
            return t
        loglik[t] = top + log_total + const
        shift = top + log_total
        resampled[t] = ess[t] < ess_threshold * N
        if keep or resampled[t]:
            _normalised_weights(sums, shift, w)
        if keep:
            kept_particles[t, :, :] = cloud
            kept_weights[t, :] = w
        if resampled[t]:
            _resample_cloud(
                resampler, w, rng, idx, positions, cumulative, cloud, spare, streams.shape[0]
            )
            cloud, spare, swapped = spare, cloud, not swapped
            logw[:] = -log_n
            shift = 0.0
    if swapped:
        particles[:, :] = cloud
    for p in range(N):
        logw[p] -= shift
    return -1
