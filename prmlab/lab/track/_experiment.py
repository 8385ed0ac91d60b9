"""The tracking experiment: a State (the path, models, dropouts, seed, drawn time), the run
of the engine's Kalman filter, RTS smoother and particle filter computed once per State, and
``Experiment`` moving the drawn time over it."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from prmlab.data.tracks import (
    constant_acceleration,
    constant_velocity,
    position_matrix,
    resample_path,
    track_preset,
)
from prmlab.engine import kalman, particle
from prmlab.engine._validation import check_scalar
from prmlab.lab._state import LabState

PRESET_KEYS = {
    "Figure-8": "figure8",
    "Circle": "circle",
    "Straight line": "line",
    "Random manoeuvres": "manoeuvres",
}
PRESETS = tuple(PRESET_KEYS)
BEACONS = np.array([[-90.0, -70.0], [90.0, -70.0]])
MIN_STEPS, MAX_STEPS, DEFAULT_STEPS = 20, 400, 150
MAX_CLOUD = 4_000_000  # particles x steps kept for drawing the cloud (float32 positions + weights)
MEASUREMENTS = ("position", "range_bearing")
MOTIONS = ("cv", "ca")


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the tracking panel shows.

    ``truth`` (T, 2) the true path, or None when ``measured`` (T, 2), a CSV track's positions,
    is filtered as it is; ``source`` names it. ``measurement`` "position" (noise ``sigma``) or
    "range_bearing" to ``BEACONS`` (range noise ``sigma``, bearing noise ``bearing_deg``);
    ``dropouts`` ((t0, t1), ...) stretches without measurements; ``seed`` of the measurement
    noise and the particle filter; ``motion`` "cv" or "ca" with process noise ``q``; the
    particle filter's settings; what the track plot draws (``show_*``); the drawn time ``t``.
    """

    TOPIC = "track"
    VERSION = 1

    truth: np.ndarray | None = None
    measured: np.ndarray | None = None
    source: str = ""
    measurement: str = "position"
    sigma: float = 4.0
    bearing_deg: float = 2.0
    dropouts: tuple[tuple[float, float], ...] = ()
    seed: int = 0
    motion: str = "cv"
    q: float = 0.3
    n_particles: int = 2000
    resampler: str = "systematic"
    ess_threshold: float = 0.5
    show_ellipses: bool = True
    show_particles: bool = True
    show_rts: bool = True
    t: int = 0

    @property
    def n_steps(self) -> int:
        """T, the path's length (0 with no path yet)."""
        path = self.truth if self.truth is not None else self.measured
        return 0 if path is None else len(path)

    def run_key(self) -> State:
        """This State without what only chooses the drawing (``t``, ``show_*``): States with
        the same key have the same ``Run``."""
        return self.replace(t=0, show_ellipses=True, show_particles=True, show_rts=True)


@dataclass(frozen=True)
class Run:
    """Measurements and the three estimates over T steps (fresh arrays, never rewritten).

    ``zs`` (T, m) what the filters saw (NaN: missing); ``raw`` (T, 2) the measured positions
    (range-bearing converted); ``pf`` None when the particle filter degenerated; ``cloud``
    (T, N, 2) and ``cloud_w`` (T, N) float32, None when too many to keep; ``nees`` (T,) the
    Kalman filter's position NEES, None without a truth; ``notes`` for the user.
    """

    truth: np.ndarray | None
    n_particles: int
    measurement: str
    zs: np.ndarray
    raw: np.ndarray
    kf: kalman.KalmanResult
    rts_means: np.ndarray
    rts_covs: np.ndarray
    pf: particle.ParticleFilterResult | None
    cloud: np.ndarray | None
    cloud_w: np.ndarray | None
    nees: np.ndarray | None
    notes: tuple[str, ...] = ()

    @property
    def n_steps(self) -> int:
        return len(self.zs)


@dataclass(frozen=True)
class Result:
    """A ``Run`` seen at time ``t``."""

    run: Run
    t: int

    @property
    def resampled(self) -> bool:
        """Whether the particles were resampled at ``t``."""
        return self.run.pf is not None and bool(self.run.pf.resampled[self.t])


@dataclass(frozen=True)
class Progress:
    """How far ``iter_run`` is, in [0, 1]."""

    progress: float


# ----------------------------------------------------------------------------- states


def preset(name: str, seed: int = 0, n_steps: int = DEFAULT_STEPS) -> State:
    """The State of the preset path ``name`` (one of ``PRESETS``) of ``n_steps`` steps."""
    if name not in PRESET_KEYS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {name!r}")
    steps = check_scalar(n_steps, "n_steps", integer=True, ge=MIN_STEPS, le=MAX_STEPS)
    truth = track_preset(PRESET_KEYS[name], steps, seed=seed)
    return State(truth=truth, source=f"Preset: {name}", seed=seed)


def demo(seed: int = 0, n_steps: int = DEFAULT_STEPS) -> State:
    """A figure-8 with a dropout: the ellipses grow, the smoother bridges the gap."""
    state = preset("Figure-8", seed, n_steps)
    T = state.n_steps
    return state.replace(dropouts=((0.55 * T, 0.68 * T),), t=T - 1)


def drawn_path(state: State, points: np.ndarray, n_steps: int) -> State:
    """``state`` with the mouse stroke ``points`` (k, 2) as its true path of ``n_steps``."""
    pts = np.asarray(points, dtype=float)
    if len(pts) < 3 or np.ptp(pts, axis=0).max() <= 0:
        raise ValueError("a drawn path needs at least 3 distinct points: drag farther")
    return state.replace(truth=resample_path(pts, n_steps), measured=None, source="Drawn path")


def resampled_steps(state: State, n_steps: int) -> State:
    """``state`` with its true path resampled to ``n_steps`` (a CSV's measurements stay)."""
    if state.truth is None:
        return state
    return state.replace(truth=resample_path(state.truth, n_steps))


def new_dropout(n_steps: int, existing: int) -> tuple[float, float]:
    """Where an added dropout goes: staggered by the ``existing`` count, T/8 long."""
    t0 = n_steps * (0.35 + 0.1 * (existing % 4))
    return (t0, min(t0 + max(3, n_steps // 8), n_steps - 1))


# ----------------------------------------------------------------------------- models


def motion_model(kind: str, q: float) -> tuple[np.ndarray, np.ndarray]:
    """``(F, Q)`` of the constant-velocity ("cv") or constant-acceleration ("ca") model."""
    return (constant_velocity if kind == "cv" else constant_acceleration)(dt=1.0, q=q)


def check(state: State) -> None:
    """Raise a ``ValueError`` naming the problem if ``state`` cannot be filtered."""
    if state.n_steps == 0:
        raise ValueError("no track yet: choose a preset, draw a path or open a CSV")
    if state.measurement not in MEASUREMENTS:
        raise ValueError(f"measurement must be one of {MEASUREMENTS}, got {state.measurement!r}")
    if state.motion not in MOTIONS:
        raise ValueError(f"motion must be one of {MOTIONS}, got {state.motion!r}")
    if state.measurement == "range_bearing" and state.measured is not None:
        raise ValueError(
            "range-bearing measurements need a simulated track; a CSV track is "
            "already measured positions: choose 'Position' or a preset"
        )
    check_scalar(state.sigma, "σ", gt=0)
    check_scalar(state.q, "q", ge=0)
    _models(state, state.sigma**2)


def measure(state: State) -> tuple[np.ndarray, np.ndarray, float]:
    """``(zs, raw positions, position variance seen by the Kalman filter)``.

    Range-bearing: ``[r_1, theta_1, r_2, theta_2]`` to ``BEACONS``; the Kalman filter, which
    needs a linear model, gets each beacon's polar measurement converted to a position and
    averaged, with the linearised variance ``(sigma_r^2 + (r sigma_theta)^2) / 2`` per beacon.
    """
    rng = np.random.default_rng(state.seed)
    sigma, truth = state.sigma, state.truth
    if state.measured is not None:
        zs, var = state.measured.copy(), sigma**2
        raw = zs.copy()
    elif state.measurement == "position":
        zs, var = truth + sigma * rng.standard_normal(truth.shape), sigma**2
        raw = zs.copy()
    else:
        d = truth[:, None, :] - BEACONS[None]
        r = np.hypot(d[..., 0], d[..., 1]) + sigma * rng.standard_normal(d.shape[:2])
        th = np.arctan2(d[..., 1], d[..., 0])
        th = th + np.deg2rad(state.bearing_deg) * rng.standard_normal(th.shape)
        zs = np.stack([r, th], axis=-1).reshape(len(truth), -1)
        pos = BEACONS[None] + r[..., None] * np.stack([np.cos(th), np.sin(th)], axis=-1)
        raw = pos.mean(axis=1)
        r_mean = float(np.mean(r))
        var = (sigma**2 + (r_mean * np.deg2rad(state.bearing_deg)) ** 2) / 2 / len(BEACONS)
    for t0, t1 in state.dropouts:
        a, b = max(0, int(round(t0))), min(len(zs), int(round(t1)) + 1)
        zs[a:b] = np.nan
        raw[a:b] = np.nan
    return zs, raw, var


def _prior(raw: np.ndarray, n: int, var: float) -> tuple[np.ndarray, np.ndarray]:
    """A vague prior at the first measured position, velocities (and accelerations) near 0."""
    seen = raw[~np.isnan(raw[:, 0])]
    x0 = np.zeros(n)
    x0[:2] = seen[0] if len(seen) else 0.0
    P0 = np.diag([var, var] + [4.0, 4.0] + [1.0, 1.0] * (n == 6))
    return x0, P0


def _models(state: State, var: float) -> tuple:
    """``(F, H, Q, R, particle model)``; the engine validates the parameters."""
    F, Q = motion_model(state.motion, state.q)
    H = position_matrix(F.shape[0])
    R = var * np.eye(2)
    if state.measurement == "position" or state.measured is not None:
        model = particle.linear_gaussian(F, H, Q, R)
    else:
        model = particle.range_bearing(BEACONS, F, Q, state.sigma, np.deg2rad(state.bearing_deg))
    return F, H, Q, R, model


# ----------------------------------------------------------------------------- running


def iter_run(state: State) -> Generator[Progress, None, Run]:
    """The run of ``state`` (Kalman, RTS, particle filter in chunks), yielding progress."""
    check(state)
    zs, raw, var = measure(state)
    F, H, Q, R, model = _models(state, var)
    x0, P0 = _prior(raw, F.shape[0], var)
    kf = kalman.run_kalman(raw, F, H, Q, R, x0, P0)
    rts_m, rts_c = kalman.rts_smoother(kf.means, kf.covs, F, Q)
    yield Progress(0.05)
    notes: list[str] = []
    T, N = len(zs), state.n_particles
    keep = N * T <= MAX_CLOUD
    pf = cloud = cloud_w = None
    try:
        filt = particle.ParticleFilter(
            model, N, x0, P0, state.seed, state.resampler, state.ess_threshold
        )
        # a chunk size fixed by N alone: the same State always gives the same run
        chunk = max(1, 200_000 // N)
        parts = []
        for a in range(0, T, chunk):
            parts.append(filt.run(zs[a : a + chunk], return_particles=keep))
            yield Progress(0.05 + 0.95 * min(1.0, (a + chunk) / T))
        pf = particle.ParticleFilterResult(
            np.concatenate([p.means for p in parts]),
            np.concatenate([p.covs for p in parts]),
            np.concatenate([p.ess for p in parts]),
            np.concatenate([p.resampled for p in parts]),
            float(sum(p.log_likelihood for p in parts)),
        )
        if keep:
            cloud = np.concatenate([p.particles[..., :2].astype(np.float32) for p in parts])
            cloud_w = np.concatenate([p.weights.astype(np.float32) for p in parts])
        else:
            notes.append(f"{N} particles x {T} steps is too many to keep for drawing the cloud")
    except ValueError as exc:  # a degenerate particle filter: keep the Kalman results
        notes.append(f"Particle filter: {exc}")
    truth = state.truth
    nees = None if truth is None else kalman.nees(truth, kf.means[:, :2], kf.covs[:, :2, :2])
    return Run(
        truth, N, state.measurement, zs, raw, kf, rts_m, rts_c, pf, cloud, cloud_w, nees,
        tuple(notes),
    )  # fmt: skip


def compute(state: State) -> Run:
    """``iter_run`` to its end."""
    gen = iter_run(state)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


class Experiment:
    """Moves the drawn time of a State over its ``Run`` (computed once per ``run_key``)."""

    def __init__(self, state: State, run: Run | None = None) -> None:
        self.state = state
        self.run = run if run is not None else compute(state)
        self.state = state.replace(t=self._clamp(state.t))
        self.result = Result(self.run, self.state.t)

    @property
    def n_steps(self) -> int:
        return self.run.n_steps

    def _clamp(self, t: int) -> int:
        return int(min(max(t, 0), self.run.n_steps - 1))

    def run_to(self, position: int) -> Result:
        """The result at time ``position`` (clamped to 0..T-1)."""
        self.state = self.state.replace(t=self._clamp(position))
        self.result = Result(self.run, self.state.t)
        return self.result

    def reset(self) -> Result:
        return self.run_to(0)

    def step(self) -> Result:
        return self.run_to(self.state.t + 1)

    def step_back(self) -> Result:
        return self.run_to(self.state.t - 1)

    def run_to_end(self) -> Result:
        return self.run_to(self.run.n_steps - 1)

    def adopt(self, state: State) -> bool:
        """Show ``state`` if it has this run (True); else leave things as they are (False)."""
        if not state.run_key().same_as(self.state.run_key()):
            return False
        self.state = state
        self.run_to(state.t)
        return True
