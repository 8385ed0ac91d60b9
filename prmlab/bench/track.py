"""Benchmark workloads of the track topic: Kalman filter vs filterpy, particle filter vs NumPy.

Goals (issues 7, 15): ``kalman_filter`` on a 4-state constant-velocity model, 10,000 steps, at
most 0.02x filterpy's ``batch_filter`` in three forms: the time-invariant model (which reaches
its steady state, where only the mean is updated), 10 % of the measurement rows missing at
random, and a time-varying F (a stack of T-1 matrices; the general path every step);
``run_particle_filter`` with 100,000 particles x 30 steps at
most 0.5x a vectorised NumPy bootstrap filter of the same model; one animation frame (one
filter step of 10,000 particles, as the panel's Step does) within 1/30 s.
"""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload
from prmlab.data.tracks import constant_velocity, position_matrix
from prmlab.engine import kalman, particle


def _cv_problem(n_steps: int, seed: int = 0) -> dict:
    F, Q = constant_velocity(dt=1.0, q=0.05)
    H = position_matrix(4)
    R = np.eye(2) * 4.0
    model = particle.linear_gaussian(F, H, Q, R)
    x0, P0 = np.zeros(4), np.eye(4) * 10.0
    _, zs = particle.simulate(model, n_steps, x0, P0, seed=seed)
    return {"F": F, "H": H, "Q": Q, "R": R, "x0": x0, "P0": P0, "zs": zs, "model": model}


def numpy_bootstrap_filter(
    zs: np.ndarray, F: np.ndarray, H: np.ndarray, Q: np.ndarray, R: np.ndarray,
    x0: np.ndarray, P0: np.ndarray, n_particles: int, seed: int = 0, ess_threshold: float = 0.5,
) -> np.ndarray:  # fmt: skip
    """Reference: a vectorised NumPy SIR filter (log weights, systematic resampling by ESS).

    The same algorithm as ``run_particle_filter`` on ``linear_gaussian(F, H, Q, R)``,
    written the way a NumPy user would: whole-array operations per time step.
    """
    rng = np.random.default_rng(seed)
    N, n = n_particles, x0.shape[0]
    LQ, LP = np.linalg.cholesky(Q), np.linalg.cholesky(P0)
    LRinv_T = np.linalg.inv(np.linalg.cholesky(R)).T
    x = x0 + rng.standard_normal((N, n)) @ LP.T
    logw = np.full(N, -np.log(N))
    means = np.empty((zs.shape[0], n))
    for t, z in enumerate(zs):
        if t > 0:
            x = x @ F.T + rng.standard_normal((N, n)) @ LQ.T
        u = (z - x @ H.T) @ LRinv_T  # whitened residuals
        logw = logw - 0.5 * np.einsum("ij,ij->i", u, u)
        logw -= logw.max()
        w = np.exp(logw)
        w /= w.sum()
        means[t] = w @ x
        if 1.0 / np.dot(w, w) < ess_threshold * N:
            positions = (rng.random() + np.arange(N)) / N
            idx = np.minimum(np.searchsorted(np.cumsum(w), positions, side="right"), N - 1)
            x = x[idx]
            logw = np.full(N, -np.log(N))
        else:
            logw = np.log(w)
    return means


def workloads(quick: bool) -> list[Workload]:
    steps = 200 if quick else 10_000
    kp = _cv_problem(steps)

    zs_missing = kp["zs"].copy()
    zs_missing[np.random.default_rng(1).random(steps) < 0.1] = np.nan
    # F[t] maps state t to t+1: a sampling interval that varies from step to step
    dts = np.random.default_rng(2).uniform(0.5, 1.5, size=steps - 1)
    Fs = np.repeat(kp["F"][None], steps - 1, axis=0)
    Fs[:, 0, 2] = Fs[:, 1, 3] = dts

    def run_kalman(zs: np.ndarray = kp["zs"], F: np.ndarray = kp["F"]) -> None:
        kalman.kalman_filter(zs, F, kp["H"], kp["Q"], kp["R"], kp["x0"], kp["P0"])

    def run_filterpy(zs: np.ndarray = kp["zs"], Fs: np.ndarray | None = None) -> None:
        from filterpy.kalman import KalmanFilter

        kf = KalmanFilter(dim_x=4, dim_z=2)
        kf.F, kf.H, kf.Q, kf.R = kp["F"], kp["H"], kp["Q"], kp["R"]
        kf.x, kf.P = kp["x0"].copy(), kp["P0"].copy()
        # filterpy predicts before each update, the first included: F = I, Q = 0 before step 0;
        # a missing row is None (update skipped), as its documentation says
        rows = [None if np.isnan(z).all() else z for z in zs]
        if Fs is None:
            kf.batch_filter(rows)
        else:
            kf.batch_filter(rows, Fs=[np.eye(4), *Fs], Qs=[np.zeros((4, 4))] + [kp["Q"]] * len(Fs))

    n_particles, pf_steps = (2_000, 5) if quick else (100_000, 30)
    pp = _cv_problem(pf_steps, seed=1)

    def run_pf() -> None:
        particle.run_particle_filter(pp["model"], pp["zs"], n_particles, pp["x0"], pp["P0"], seed=0)

    def run_numpy_pf() -> None:
        numpy_bootstrap_filter(
            pp["zs"], pp["F"], pp["H"], pp["Q"], pp["R"], pp["x0"], pp["P0"], n_particles
        )

    frame_particles = 1_000 if quick else 10_000
    frame = particle.ParticleFilter(
        pp["model"], frame_particles, pp["x0"], pp["P0"], seed=0, ess_threshold=1.0
    )
    frame_z = pp["zs"][0]

    def run_frame() -> None:
        # one Step of the panel: a measurement, the weighted cloud copied out for drawing
        s = frame.step(frame_z)
        assert s.particles.shape[0] == frame_particles

    return [
        Workload(f"kalman_filter CV-4 {steps} steps", run_kalman, "filterpy batch_filter",
                 run_filterpy, goal=0.02, repeat=7),
        Workload(f"kalman_filter CV-4 {steps} steps, 10% rows missing",
                 lambda: run_kalman(zs_missing), "filterpy batch_filter (None rows)",
                 lambda: run_filterpy(zs_missing), goal=0.02, repeat=7),
        Workload(f"kalman_filter CV-4 {steps} steps, time-varying F",
                 lambda: run_kalman(F=Fs), "filterpy batch_filter (Fs)",
                 lambda: run_filterpy(Fs=Fs), goal=0.02, repeat=7),
        Workload(f"run_particle_filter {n_particles}x{pf_steps}", run_pf, "NumPy bootstrap SIR",
                 run_numpy_pf, goal=0.5, parallel=True),
        # the goal is 30 fps: one frame step must take well under 1/30 s
        Workload(f"particle animation frame {frame_particles}", run_frame, "1/30 s budget",
                 lambda: _sleep(1.0 / 30.0), goal=1.0, repeat=20, parallel=True),
    ]  # fmt: skip


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
