"""Numba kernels of the MCMC samplers: one chain each, advancing ``n`` steps in place.

A target reaches a kernel as a *first-class function* (a typed function pointer,
``numba.types.FunctionType``), not as a Numba dispatcher type. So every kernel has one
compiled signature, shared by the built-in targets and by typed expressions, and it is
cacheable: a dispatcher type carries the function's identity and would recompile the
sampler for every target and at every start-up. The pointer call costs a few ns a step
(see ``prmlab.bench.mcmc``).

Signatures of the target functions (``params`` is the target's float64 parameter vector):

- ``logp(x, y, params) -> log p~(x, y)`` (unnormalised; ``-inf`` outside the support);
- ``grad(x, y, params, g) -> log p~(x, y)``, writing ``d/dx, d/dy`` into ``g[0], g[1]``;
- ``cond(i, other, params, u, z) -> coordinate i`` drawn from its exact conditional
  ``p(z_i | z_-i)``, given one uniform ``u`` and one standard normal ``z``.

Kernels return a status; on failure the offending point is written into ``where``.
"""

from __future__ import annotations

import threading

import numba
import numpy as np
from numba import types

from prmlab.engine._jit import jit

F8, I8, B1 = types.float64, types.int64, types.boolean
VEC, MAT = types.float64[::1], types.float64[:, ::1]
CUBE = types.float64[:, :, ::1]
GEN = numba.typeof(np.random.default_rng(0))

LOGP_SIG = F8(F8, F8, VEC)
GRAD_SIG = F8(F8, F8, VEC, VEC)
COND_SIG = F8(I8, F8, VEC, F8, F8)
LOGP_T = types.FunctionType(LOGP_SIG)
GRAD_T = types.FunctionType(GRAD_SIG)
COND_T = types.FunctionType(COND_SIG)

# Kernel status codes.
OK, NAN_DENSITY, INF_DENSITY, BAD_GRADIENT = 0, 1, 2, 3
# Slice sampling limits (Neal 2003): stepping-out steps per side and shrinkage rounds.
MAX_STEP_OUT, MAX_SHRINK = 32, 200


@jit
def _status(lp):
    if np.isnan(lp):
        return NAN_DENSITY
    if lp == np.inf:
        return INF_DENSITY
    return OK


@jit
def mh_chain(logp, params, state, scale, rng, chain, proposals, accepted, record, where):
    """Random-walk Metropolis-Hastings, ``chain.shape[0]`` steps from ``state = (x, y, lp)``.

    PRML §11.2.2 (Metropolis-Hastings): ``z* ~ Q(z*|z) = N(z, scale^2 I)``, accept with
    ``alpha = min{1, p(z*) Q(z*->z) / (p(z) Q(z->z*))}``; Q is symmetric, so
    ``alpha = min{1, p(z*)/p(z)}``, tested as ``log u < log p(z*) - log p(z)``.
    A ``-inf`` proposal is always rejected, so a chain never enters a zero-density region.
    """
    x, y, lp = state[0], state[1], state[2]
    for t in range(chain.shape[0]):
        xs = x + scale * rng.standard_normal()
        ys = y + scale * rng.standard_normal()
        ls = logp(xs, ys, params)
        status = _status(ls)
        if status != OK:
            where[0], where[1] = xs, ys
            return status
        ok = np.log(rng.random()) < ls - lp
        if ok:
            x, y, lp = xs, ys, ls
        chain[t, 0], chain[t, 1] = x, y
        accepted[t] = ok
        if record:
            proposals[t, 0], proposals[t, 1] = xs, ys
    state[0], state[1], state[2] = x, y, lp
    return OK


@jit
def _along(logp, params, i, x, y, v, where):
    """``log p~`` with coordinate ``i`` set to ``v``, and its status (the point goes to ``where``)."""
    px, py = (v, y) if i == 0 else (x, v)
    f = logp(px, py, params)
    status = _status(f)
    if status != OK:
        where[0], where[1] = px, py
    return status, f


@jit
def _step_out(logp, params, i, x, y, end, step, n_max, level, where):
    """Move an interval end by ``step`` until its density is below ``level`` (<= n_max moves)."""
    for _ in range(n_max):
        status, f = _along(logp, params, i, x, y, end, where)
        if status != OK or f <= level:
            return status, end
        end += step
    return OK, end


@jit
def _slice_coordinate(logp, params, i, x, y, lp, width, rng, where):
    """One slice-sampling update of coordinate ``i`` (Neal 2003: stepping out, shrinkage).

    Level ``log y = log p(z) - Exp(1)``; an interval of ``width`` placed at random around
    ``z_i`` steps out until both ends are below the level, then shrinks towards ``z_i``
    until a uniform draw lands above it. Returns ``(status, new z_i, its log-density)``.
    """
    x0 = x if i == 0 else y
    level = lp - rng.standard_exponential()
    left = x0 - width * rng.random()
    right = left + width
    j = int(np.floor(MAX_STEP_OUT * rng.random()))
    status, left = _step_out(logp, params, i, x, y, left, -width, j, level, where)
    if status != OK:
        return status, x0, lp
    k = MAX_STEP_OUT - 1 - j
    status, right = _step_out(logp, params, i, x, y, right, width, k, level, where)
    if status != OK:
        return status, x0, lp
    for _ in range(MAX_SHRINK):
        x1 = left + rng.random() * (right - left)
        status, f1 = _along(logp, params, i, x, y, x1, where)
        if status != OK:
            return status, x0, lp
        if f1 > level:
            return OK, x1, f1
        if x1 < x0:
            left = x1
        else:
            right = x1
    return OK, x0, lp


@jit
def gibbs_chain(
    logp, cond, params, exact, state, width, rng, chain, proposals, accepted, record, where
):
    """Gibbs sampling, ``chain.shape[0]`` sweeps from ``state = (x, y, lp)``.

    PRML §11.3 (Gibbs): ``z_i^{t+1} ~ p(z_i | z_-i)``, one coordinate after the
    other. Coordinate ``i`` is drawn from its exact conditional when ``exact[i]`` (e.g. a
    Gaussian's), else by a slice-sampling step (slice-within-Gibbs). Every update is
    accepted. ``proposals[t]`` records the corner ``(x_{t+1}, y_t)`` of the staircase.
    """
    x, y, lp = state[0], state[1], state[2]
    for t in range(chain.shape[0]):
        for i in range(2):
            if exact[i]:
                other = y if i == 0 else x
                v = cond(i, other, params, rng.random(), rng.standard_normal())
                if i == 0:
                    x = v
                else:
                    y = v
                lp = logp(x, y, params)
                status = _status(lp)
                if status != OK:
                    where[0], where[1] = x, y
                    return status
            else:
                status, v, lp = _slice_coordinate(logp, params, i, x, y, lp, width, rng, where)
                if status != OK:
                    return status
                if i == 0:
                    x = v
                else:
                    y = v
            if i == 0 and record:
                proposals[t, 0], proposals[t, 1] = x, y
        chain[t, 0], chain[t, 1] = x, y
        accepted[t] = True
    state[0], state[1], state[2] = x, y, lp
    return OK


@jit
def hmc_chain(
    grad,
    params,
    state,
    step_size,
    n_leapfrog,
    rng,
    chain,
    proposals,
    accepted,
    trajectories,
    record,
    where,
    g,
):
    """Hamiltonian Monte Carlo, ``chain.shape[0]`` steps from ``state = (x, y, lp, gx, gy)``.

    Momentum ``p ~ N(0, I)``, ``H(z, p) = -log p(z) + |p|^2 / 2``; ``n_leapfrog`` leapfrog
    steps of size ``eps``: ``p += eps/2 grad``, ``z += eps p``, ``p += eps/2 grad``; then the
    MH test ``alpha = min{1, exp(H(z, p) - H(z*, p*))}`` (PRML §11.5.2's MH rule with
    a reversible, volume-preserving proposal). A trajectory that reaches ``-inf`` stops
    there and is rejected. ``trajectories[t]`` records the ``n_leapfrog + 1`` positions.
    """
    x, y, lp, gx, gy = state[0], state[1], state[2], state[3], state[4]
    for t in range(chain.shape[0]):
        px = rng.standard_normal()
        py = rng.standard_normal()
        h0 = -lp + 0.5 * (px * px + py * py)
        qx, qy, ql, qgx, qgy = x, y, lp, gx, gy
        if record:
            trajectories[t, 0, 0], trajectories[t, 0, 1] = x, y
        px += 0.5 * step_size * qgx
        py += 0.5 * step_size * qgy
        inside = True
        for step in range(n_leapfrog):
            qx += step_size * px
            qy += step_size * py
            ql = grad(qx, qy, params, g)
            status = _status(ql)
            if status != OK:
                where[0], where[1] = qx, qy
                return status
            if record:
                trajectories[t, step + 1, 0], trajectories[t, step + 1, 1] = qx, qy
            if ql == -np.inf:
                inside = False
                if record:
                    for rest in range(step + 2, n_leapfrog + 1):
                        trajectories[t, rest, 0], trajectories[t, rest, 1] = qx, qy
                break
            qgx, qgy = g[0], g[1]
            if not (np.isfinite(qgx) and np.isfinite(qgy)):
                where[0], where[1] = qx, qy
                return BAD_GRADIENT
            half = 0.5 if step == n_leapfrog - 1 else 1.0
            px += half * step_size * qgx
            py += half * step_size * qgy
        log_u = np.log(rng.random())
        ok = False
        if inside:
            h1 = -ql + 0.5 * (px * px + py * py)
            # A divergent trajectory (H overflowing to inf/NaN) is a rejection.
            ok = np.isfinite(h1) and log_u < h0 - h1
        if ok:
            x, y, lp, gx, gy = qx, qy, ql, qgx, qgy
        chain[t, 0], chain[t, 1] = x, y
        accepted[t] = ok
        if record:
            proposals[t, 0], proposals[t, 1] = qx, qy
    state[0], state[1], state[2], state[3], state[4] = x, y, lp, gx, gy
    return OK


@jit
def eval_logp(logp, params, points, out):
    """``out[k] = log p~(points[k])`` for points of shape (n, 2)."""
    for k in range(points.shape[0]):
        out[k] = logp(points[k, 0], points[k, 1], params)


@jit
def eval_grad(grad, params, points, out, gout):
    """``out[k] = log p~(points[k])`` and ``gout[k] = grad log p~(points[k])``."""
    g = np.empty(2)
    for k in range(points.shape[0]):
        out[k] = grad(points[k, 0], points[k, 1], params, g)
        gout[k, 0], gout[k, 1] = g[0], g[1]


@jit
def geyer_tau(acov_mean, mean_var, var_plus):
    """Integrated autocorrelation time by Geyer's initial monotone sequence.

    ``rho_t = 1 - (W - mean_chains acov_t) / var_plus`` (Vehtari et al. 2021, eq. 10);
    pairs ``rho_{2k} + rho_{2k+1}`` are summed while positive and made monotone;
    ``tau = -1 + 2 sum rho_t``, floored at ``1 / log10(n_chain * n_draw)`` by the caller.
    Mirrors ArviZ's ``_ess`` term by term so the two agree to rounding.
    """
    n_draw = acov_mean.shape[0]
    rho = np.zeros(n_draw)
    rho_even = 1.0
    rho[0] = rho_even
    rho_odd = 1.0 - (mean_var - acov_mean[1]) / var_plus
    rho[1] = rho_odd
    t = 1
    while t < n_draw - 3 and rho_even + rho_odd > 0.0:
        rho_even = 1.0 - (mean_var - acov_mean[t + 1]) / var_plus
        rho_odd = 1.0 - (mean_var - acov_mean[t + 2]) / var_plus
        if rho_even + rho_odd >= 0.0:
            rho[t + 1] = rho_even
            rho[t + 2] = rho_odd
        t += 2
    max_t = t - 2
    if rho_even > 0.0:
        rho[max_t + 1] = rho_even
    t = 1
    while t <= max_t - 2:
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2.0
            rho[t + 2] = rho[t + 1]
        t += 2
    total = 0.0
    for k in range(max_t + 1):
        total += rho[k]
    total *= 2.0
    if max_t + 1 < n_draw:
        total += rho[max_t + 1]
    for k in range(n_draw):
        if np.isnan(rho[k]):
            return np.nan
    return -1.0 + total


MH_SIG = I8(LOGP_T, VEC, VEC, F8, GEN, MAT, MAT, types.boolean[::1], B1, VEC)
GIBBS_SIG = I8(
    LOGP_T, COND_T, VEC, types.int64[::1], VEC, F8, GEN, MAT, MAT, types.boolean[::1], B1, VEC
)
HMC_SIG = I8(GRAD_T, VEC, VEC, F8, I8, GEN, MAT, MAT, types.boolean[::1], CUBE, B1, VEC, VEC)
EVAL_LOGP_SIG = types.none(LOGP_T, VEC, MAT, VEC)
EVAL_GRAD_SIG = types.none(GRAD_T, VEC, MAT, VEC, MAT)

_SIGNATURES = (
    (mh_chain, MH_SIG),
    (gibbs_chain, GIBBS_SIG),
    (hmc_chain, HMC_SIG),
    (eval_logp, EVAL_LOGP_SIG),
    (eval_grad, EVAL_GRAD_SIG),
)
_ready = False
_lock = threading.Lock()


def ensure_compiled() -> None:
    """Compile (or load from the cache) each kernel's one function-pointer signature.

    Compilation is then switched off, so a target's dispatcher passed in is converted to a
    function pointer instead of specialising (and recompiling) the kernel for it.
    """
    global _ready
    with _lock:
        if _ready:
            return
        for kernel, sig in _SIGNATURES:
            kernel.compile(sig.args)
            kernel.disable_compile()
        _ready = True
