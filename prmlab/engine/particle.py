"""Bootstrap (SIR) particle filter, its resamplers and three state-space models.

PRML §13.3.4 (SIR): sample ``z_t^i ~ q = p(z_t | z_t-1^i)``, weight
``w_t^i ∝ p(x_t | z_t^i) w_t-1^i`` (the importance weight with that proposal), and
resample (重采样) when the effective sample size ``1 / sum_i (w^i)^2`` falls below
``ess_threshold * N``. Weights live in log space and are normalised by log-sum-exp.
As in ``prmlab.engine.kalman``, ``x0``/``P0`` are the prior of the first state, whose
particles are weighted by ``zs[0]`` without a transition; a NaN measurement entry is missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prmlab.engine import _particle_kernels as _k
from prmlab.engine._jit import parallel_calls
from prmlab.engine._normal_stream import seed_streams
from prmlab.engine._parallel import N_CHUNKS
from prmlab.engine._validation import check_array, check_option, check_random_state, check_scalar
from prmlab.engine.kalman import _check_measurements, _check_model, _check_state

__all__ = [
    "RESAMPLERS",
    "ParticleFilter",
    "ParticleFilterResult",
    "ParticleFilterStep",
    "StateSpaceModel",
    "effective_sample_size",
    "growth_model",
    "iter_particle_filter",
    "linear_gaussian",
    "multinomial_resample",
    "range_bearing",
    "residual_resample",
    "run_particle_filter",
    "simulate",
    "stratified_resample",
    "systematic_resample",
    "warmup",
]

RESAMPLERS = {
    "systematic": _k.SYSTEMATIC,
    "stratified": _k.STRATIFIED,
    "residual": _k.RESIDUAL,
    "multinomial": _k.MULTINOMIAL,
}
_KINDS = {
    "linear_gaussian": _k.LINEAR_GAUSSIAN,
    "range_bearing": _k.RANGE_BEARING,
    "growth": _k.GROWTH,
}
_NONE = np.zeros((1, 1))


# ----------------------------------------------------------------------------- resamplers


def _check_weights(weights: Any) -> np.ndarray:
    w = check_array(weights, "weights", ndim=1)
    if (w < 0).any():
        raise ValueError(f"weights must be >= 0, got {w[w < 0][0]!r}; pass probabilities")
    total = w.sum()
    if not total > 0:
        raise ValueError("weights must have a positive sum, got all zeros")
    return w / total


def _resample(code: int, weights: Any, n: int | None, seed: Any) -> np.ndarray:
    w = _check_weights(weights)
    n = w.shape[0] if n is None else check_scalar(n, "n", integer=True, ge=1)
    out = np.empty(n, dtype=np.int64)
    _k.resample_kernel(code, w, check_random_state(seed), out, np.empty(n))
    return out


def systematic_resample(weights: Any, n: int | None = None, seed: Any = None) -> np.ndarray:
    """``n`` (default len(weights)) int64 indices by systematic resampling (重采样).

    One ``u ~ U(0, 1)``; index ``i`` is taken once for each position ``(u + k) / n`` inside
    its cumulative-weight interval, so particle i gets floor(n w_i) or ceil(n w_i) copies.
    """
    return _resample(_k.SYSTEMATIC, weights, n, seed)


def stratified_resample(weights: Any, n: int | None = None, seed: Any = None) -> np.ndarray:
    """``n`` int64 indices, one uniform draw in each stratum ``[k/n, (k+1)/n)``."""
    return _resample(_k.STRATIFIED, weights, n, seed)


def residual_resample(weights: Any, n: int | None = None, seed: Any = None) -> np.ndarray:
    """``n`` int64 indices: floor(n w_i) copies of each i, the rest multinomial on the residuals."""
    return _resample(_k.RESIDUAL, weights, n, seed)


def multinomial_resample(weights: Any, n: int | None = None, seed: Any = None) -> np.ndarray:
    """``n`` int64 indices drawn i.i.d. from Categorical(weights), returned sorted."""
    return _resample(_k.MULTINOMIAL, weights, n, seed)


def effective_sample_size(weights: Any) -> float | np.ndarray:
    """``1 / sum_i w_i^2`` of the normalised weights: (N,) -> float, (T, N) -> (T,)."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 2:
        w = check_array(w, "weights")
        if (w < 0).any() or not (w.sum(axis=1) > 0).all():
            raise ValueError("weights must be >= 0 with a positive sum in every row")
        w = w / w.sum(axis=1, keepdims=True)
        return 1.0 / np.einsum("ij,ij->i", w, w)
    w = _check_weights(w)
    return float(1.0 / np.dot(w, w))


# ----------------------------------------------------------------------------- models


@dataclass(frozen=True)
class StateSpaceModel:
    """A state-space model for the particle filter; build it with a factory below.

    ``kind``: "linear_gaussian", "range_bearing" or "growth". ``F``/``Q`` (n, n) the
    transition (unused by "growth"), ``H``/``R`` (m, m) the linear measurement,
    ``beacons`` (k, 2) for range-bearing, ``params`` the noise scales of the nonlinear models.
    """

    kind: str
    n_state: int
    n_obs: int
    F: np.ndarray
    Q: np.ndarray
    H: np.ndarray = field(default_factory=lambda: _NONE)
    R: np.ndarray = field(default_factory=lambda: _NONE)
    beacons: np.ndarray = field(default_factory=lambda: _NONE)
    params: np.ndarray = field(default_factory=lambda: _NONE[0])

    @property
    def q_factor(self) -> np.ndarray:
        """``L`` (n, r) with ``L L^T = Q``, r = rank(Q): only r normal draws per particle."""
        return _factor(self.Q)

    @property
    def r_factor(self) -> np.ndarray:
        return np.linalg.cholesky(self.R) if self.kind == "linear_gaussian" else _NONE


def _factor(S: np.ndarray) -> np.ndarray:
    """``L`` with ``L L^T = S`` for a PSD ``S``: Cholesky if PD, else the eigen factor of rank r."""
    try:
        return np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        lam, V = np.linalg.eigh(S)
        keep = lam > 1e-12 * max(1.0, float(lam.max(initial=0.0)))
        return np.ascontiguousarray(V[:, keep] * np.sqrt(lam[keep]))


def linear_gaussian(F: Any, H: Any, Q: Any, R: Any) -> StateSpaceModel:
    """``z_t = F z_t-1 + N(0, Q)``, ``x_t = H z_t + N(0, R)`` (PRML §13.3).

    ``F``/``Q`` (n, n), ``H`` (m, n), ``R`` (m, m) positive definite (the likelihood needs a
    density). The Kalman filter is exact for this model: use it as a check.
    """
    n = np.atleast_2d(np.asarray(F, dtype=np.float64)).shape[-1]
    Fs, Hm, Qs, Rm = _check_model(np.atleast_2d(F), H, np.atleast_2d(Q), R, n, None)
    _require_pd(Rm, "R")
    return StateSpaceModel("linear_gaussian", n, Hm.shape[0], Fs[0], Qs[0], Hm, Rm)


def range_bearing(
    beacons: Any, F: Any, Q: Any, range_std: float = 1.0, bearing_std: float = 0.05
) -> StateSpaceModel:
    """Linear-Gaussian motion, nonlinear measurement of range and bearing to each beacon.

    State (n >= 2) with the position in its first two entries; ``beacons`` (k, 2).
    Measurement (2k,): ``[r_1, theta_1, r_2, theta_2, ...]``, ``r_b = |p - b| + N(0, range_std^2)``,
    ``theta_b = atan2(p_y - b_y, p_x - b_x) + N(0, bearing_std^2)`` (radians, residual wrapped).
    """
    b = check_array(beacons, "beacons", min_cols=2)
    if b.shape[1] != 2:
        raise ValueError(f"beacons must have shape (k, 2), got {b.shape}")
    n = np.atleast_2d(np.asarray(F, dtype=np.float64)).shape[-1]
    if n < 2:
        raise ValueError(f"range_bearing needs a state with a 2-D position (n >= 2), got n = {n}")
    H0 = np.eye(2, n)
    Fs, _, Qs, _ = _check_model(np.atleast_2d(F), H0, np.atleast_2d(Q), np.eye(2), n, None)
    rs = check_scalar(range_std, "range_std", gt=0)
    bs = check_scalar(bearing_std, "bearing_std", gt=0)
    return StateSpaceModel(
        "range_bearing", n, 2 * b.shape[0], Fs[0], Qs[0], beacons=b, params=np.array([rs, bs])
    )


def growth_model(process_var: float = 10.0, measurement_var: float = 1.0) -> StateSpaceModel:
    """Kitagawa's univariate nonstationary growth model, the classic particle-filter test::

        z_t = z_t-1 / 2 + 25 z_t-1 / (1 + z_t-1^2) + 8 cos(1.2 t) + N(0, process_var)
        x_t = z_t^2 / 20 + N(0, measurement_var)

    with ``t`` the 1-based time of the new state (``zs[0]`` is t = 1). The likelihood is
    bimodal in z (the sign of z is not observed), which a Kalman filter cannot represent.
    """
    pv = check_scalar(process_var, "process_var", gt=0)
    mv = check_scalar(measurement_var, "measurement_var", gt=0)
    return StateSpaceModel(
        "growth", 1, 1, np.array([[0.5]]), np.array([[pv]]),
        params=np.array([math.sqrt(pv), math.sqrt(mv)]),
    )  # fmt: skip


def _require_pd(R: np.ndarray, name: str) -> None:
    try:
        np.linalg.cholesky(R)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{name} must be positive definite for a particle filter (its likelihood needs a "
            f"density), got eigenvalues {np.linalg.eigvalsh(R).round(12).tolist()}"
        ) from None


def _check_model_obj(model: Any) -> StateSpaceModel:
    if not isinstance(model, StateSpaceModel):
        raise ValueError(
            f"model must be a StateSpaceModel from linear_gaussian, range_bearing or "
            f"growth_model, got {type(model).__name__}"
        )
    return model


def _kernel_model(model: StateSpaceModel) -> tuple:
    return (
        _KINDS[model.kind],
        model.F,
        model.q_factor,
        model.H,
        model.R,
        model.beacons,
        model.params,
    )


def simulate(
    model: StateSpaceModel, n_steps: int, x0: Any, P0: Any = None, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``(states (T, n), zs (T, m))`` from ``model``; the first state ~ N(x0, P0)."""
    model = _check_model_obj(model)
    T = check_scalar(n_steps, "n_steps", integer=True, ge=1)
    P0 = np.zeros((model.n_state, model.n_state)) if P0 is None else P0
    x, P = _check_state(x0, P0)
    _match_state(model, x)
    rng = check_random_state(seed)
    first = x + _factor(P) @ rng.standard_normal(_factor(P).shape[1])
    states = np.empty((T, model.n_state))
    zs = np.empty((T, model.n_obs))
    kind, F, LQ, H, _, beacons, params = _kernel_model(model)
    stream = seed_streams(rng, 1)[0]
    _k.simulate_kernel(kind, F, LQ, H, model.r_factor, beacons, params, first, states, zs, stream)
    return states, zs


def _match_state(model: StateSpaceModel, x: np.ndarray) -> None:
    if x.shape[0] != model.n_state:
        raise ValueError(f"x0 must have the model's n = {model.n_state} entries, got {x.shape[0]}")


# ----------------------------------------------------------------------------- the filter


@dataclass(frozen=True)
class ParticleFilterResult:
    """Output of ``run_particle_filter`` over T steps with N particles of n dimensions.

    ``means`` (T, n), ``covs`` (T, n, n): weighted moments after each measurement;
    ``ess`` (T,): effective sample size after weighting (before any resampling);
    ``resampled`` (T,) bool: where resampling happened; ``log_likelihood``: the estimate
    ``sum_t log sum_i w_t-1^i p(x_t | z_t^i)``; ``particles`` (T, N, n) and ``weights`` (T, N)
    (the weighted cloud at each step) only when asked for, else None.
    """

    means: np.ndarray
    covs: np.ndarray
    ess: np.ndarray
    resampled: np.ndarray
    log_likelihood: float
    particles: np.ndarray | None = None
    weights: np.ndarray | None = None


@dataclass(frozen=True)
class ParticleFilterStep:
    """A frozen snapshot after step ``t`` (0-based) for animation; arrays are copies.

    ``particles`` (N, n), ``weights`` (N,): the weighted cloud; ``progress`` in [0, 1] when
    produced by ``iter_particle_filter``.
    """

    t: int
    particles: np.ndarray
    weights: np.ndarray
    mean: np.ndarray
    cov: np.ndarray
    ess: float
    resampled: bool
    progress: float = 1.0


class ParticleFilter:
    """Step-wise SIR filter: ``step(z)`` for animation, ``run(zs)`` for a batch; both continue.

    Parameters as ``run_particle_filter``. ``t`` counts the measurements seen so far;
    ``particles`` (N, n) and ``weights`` (N,) are the current cloud (after any resampling).
    """

    def __init__(
        self,
        model: StateSpaceModel,
        n_particles: int,
        x0: Any,
        P0: Any,
        seed: Any = None,
        resampler: str = "systematic",
        ess_threshold: float = 0.5,
    ) -> None:
        self.model = _check_model_obj(model)
        self.n_particles = check_scalar(n_particles, "n_particles", integer=True, ge=1)
        x, P = _check_state(x0, P0)
        _match_state(self.model, x)
        self.resampler = check_option(resampler, "resampler", RESAMPLERS)
        self.ess_threshold = check_scalar(ess_threshold, "ess_threshold", ge=0, le=1)
        self._rng = check_random_state(seed)
        # the normal draws of each chunk of the particles (chunks drawn in parallel)
        self._streams = seed_streams(self._rng, N_CHUNKS)
        # one particle per column: the kernels' loops over particles are then contiguous
        self._particles = np.empty((x.shape[0], self.n_particles))
        with parallel_calls():
            _k.spread_kernel(x, _factor(P), self._streams, self._particles)
        self._logw = np.full(self.n_particles, -math.log(self.n_particles))
        self._kernel_model = _kernel_model(self.model)
        self._failed: int | None = None
        self.t = 0

    @property
    def particles(self) -> np.ndarray:
        return self._particles.T.copy()

    @property
    def weights(self) -> np.ndarray:
        return np.exp(self._logw)

    def run(self, zs: Any, return_particles: bool = False) -> ParticleFilterResult:
        """Filter the measurements ``zs`` (T, m) (NaN = missing), continuing from step ``t``."""
        if self._failed is not None:
            raise ValueError(
                f"this filter became degenerate at step {self._failed} and cannot continue; "
                "start a new ParticleFilter"
            )
        z = _check_measurements(zs, self.model.n_obs)
        T, N, n = z.shape[0], self.n_particles, self.model.n_state
        means = np.empty((T, n))
        covs = np.empty((T, n, n))
        ess = np.empty(T)
        resampled = np.zeros(T, dtype=np.bool_)
        loglik = np.empty(T)
        kp = np.empty((T, n, N)) if return_particles else np.empty((0, 1, 1))
        kw = np.empty((T, N)) if return_particles else np.empty((0, 1))
        with parallel_calls():  # filter_kernel runs parallel kernels
            failed = _k.filter_kernel(
                *self._kernel_model, z, self.t, self._particles, self._logw, self._rng,
                self._streams, RESAMPLERS[self.resampler], self.ess_threshold, means, covs, ess,
                resampled, loglik, return_particles, kp, kw,
            )  # fmt: skip
        if failed >= 0:
            step = self.t + failed
            self.t = self._failed = step
            raise ValueError(
                f"filter degenerate at step {step}: every particle has zero likelihood for "
                f"measurement {z[failed].tolist()}; the measurement is impossible under the "
                "model: increase R (or the range/bearing noise), increase Q or the particle "
                "count, or check the data for outliers"
            )
        self.t += T
        return ParticleFilterResult(
            means, covs, ess, resampled, float(loglik.sum()),
            kp.transpose(0, 2, 1) if return_particles else None,
            kw if return_particles else None,
        )  # fmt: skip

    def step(self, z: Any) -> ParticleFilterStep:
        """One measurement ``z`` (m,); returns the weighted cloud after it."""
        res = self.run(np.atleast_1d(np.asarray(z, dtype=np.float64)).reshape(1, -1), True)
        return ParticleFilterStep(
            self.t - 1, np.ascontiguousarray(res.particles[0]), res.weights[0], res.means[0],
            res.covs[0],
            float(res.ess[0]), bool(res.resampled[0]),
        )  # fmt: skip


def run_particle_filter(
    model: StateSpaceModel,
    zs: Any,
    n_particles: int,
    x0: Any,
    P0: Any,
    seed: Any = None,
    resampler: str = "systematic",
    ess_threshold: float = 0.5,
    return_particles: bool = False,
) -> ParticleFilterResult:
    """Bootstrap particle filter (SIR) over ``zs`` (T, m); see the module docstring.

    ``n_particles`` N >= 1; ``x0`` (n,), ``P0`` (n, n) the Gaussian prior of the first state;
    ``resampler`` one of ``RESAMPLERS``; resample when ESS < ``ess_threshold`` * N
    (0 never, 1 every step). ``return_particles`` keeps the (T, N, n) cloud for drawing.
    Raises ``ValueError("filter degenerate ...")`` if every particle becomes impossible.
    """
    pf = ParticleFilter(model, n_particles, x0, P0, seed, resampler, ess_threshold)
    return pf.run(zs, return_particles)


def iter_particle_filter(
    model: StateSpaceModel,
    zs: Any,
    n_particles: int,
    x0: Any,
    P0: Any,
    seed: Any = None,
    resampler: str = "systematic",
    ess_threshold: float = 0.5,
    return_particles: bool = False,
) -> Iterator[ParticleFilterStep]:
    """``run_particle_filter`` in chunks of ~20-50 ms, for a cancellable GUI worker.

    Yields a ``ParticleFilterStep`` (with ``progress``) after each chunk and returns the
    whole ``ParticleFilterResult`` (the generator's return value), identical to
    ``run_particle_filter`` with the same seed.
    """
    pf = ParticleFilter(model, n_particles, x0, P0, seed, resampler, ess_threshold)
    z = _check_measurements(zs, pf.model.n_obs)
    T = z.shape[0]
    chunk = max(1, 400_000 // (pf.n_particles * pf.model.n_state))
    parts = []
    for a in range(0, T, chunk):
        r = pf.run(z[a : a + chunk], return_particles)
        parts.append(r)
        yield ParticleFilterStep(
            pf.t - 1, pf.particles, pf.weights, r.means[-1], r.covs[-1], float(r.ess[-1]),
            bool(r.resampled[-1]), min(1.0, pf.t / T),
        )  # fmt: skip
    return ParticleFilterResult(
        np.concatenate([p.means for p in parts]),
        np.concatenate([p.covs for p in parts]),
        np.concatenate([p.ess for p in parts]),
        np.concatenate([p.resampled for p in parts]),
        float(sum(p.log_likelihood for p in parts)),
        np.concatenate([p.particles for p in parts]) if return_particles else None,
        np.concatenate([p.weights for p in parts]) if return_particles else None,
    )


def warmup() -> None:
    """Compile (or load from cache) every kernel once on tiny data."""
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    model = linear_gaussian(F, [[1.0, 0.0]], 0.1 * np.eye(2), [[1.0]])
    zs = np.array([[0.0], [np.nan], [1.0]])
    run_particle_filter(model, zs, 8, [0.0, 0.0], np.eye(2), seed=0, return_particles=True)
    simulate(model, 3, [0.0, 0.0], seed=0)
    for code in RESAMPLERS.values():
        _k.resample_kernel(code, np.full(4, 0.25), np.random.default_rng(0), np.empty(4, np.int64),
                           np.empty(4))  # fmt: skip
