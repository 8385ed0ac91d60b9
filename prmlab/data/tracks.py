"""Built-in 2-D trajectories and the motion models used to track them. No Qt here.

Positions are (T, 2) float arrays sampled every ``dt`` = 1 time unit. The model matrices
order the state as ``[positions, velocities(, accelerations)]``, so ``H = [I 0]`` measures
the position and a range-bearing model finds the position in the first two entries.
"""

from __future__ import annotations

import numpy as np

PRESETS = ("line", "circle", "figure8", "manoeuvres")


def constant_velocity(
    dt: float = 1.0, q: float = 1.0, dim: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """``(F, Q)`` of the constant-velocity model, state ``[p (dim), v (dim)]``.

    White-noise acceleration of spectral density ``q``: per axis
    ``Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]]`` (full rank, so any q > 0 is PD).
    """
    return _integrator(dt, q, dim, order=2)


def constant_acceleration(
    dt: float = 1.0, q: float = 1.0, dim: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """``(F, Q)`` of the constant-acceleration model, state ``[p, v, a]`` (each ``dim``).

    White-noise jerk of spectral density ``q``: per axis
    ``Q = q [[dt^5/20, dt^4/8, dt^3/6], [dt^4/8, dt^3/3, dt^2/2], [dt^3/6, dt^2/2, dt]]``.
    """
    return _integrator(dt, q, dim, order=3)


def _integrator(dt: float, q: float, dim: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Discretised chain of ``order`` integrators driven by white noise, per axis (Kronecker)."""
    from math import factorial

    f = np.zeros((order, order))
    qm = np.zeros((order, order))
    for i in range(order):
        for j in range(i, order):
            f[i, j] = dt ** (j - i) / factorial(j - i)
    # Q_ij = q * dt^(a+b+1) / ((a+b+1) a! b!) with a, b the distances to the noise input
    for i in range(order):
        for j in range(order):
            a, b = order - 1 - i, order - 1 - j
            qm[i, j] = q * dt ** (a + b + 1) / ((a + b + 1) * factorial(a) * factorial(b))
    eye = np.eye(dim)
    return np.kron(f, eye), np.kron(qm, eye)


def position_matrix(n_state: int, dim: int = 2) -> np.ndarray:
    """``H`` (dim, n_state) that reads the position out of the state."""
    return np.eye(dim, n_state)


def track_preset(name: str, n_steps: int = 200, seed: int = 0) -> np.ndarray:
    """A (n_steps, 2) path: "line", "circle", "figure8" or "manoeuvres" (seeded turns)."""
    t = np.arange(n_steps, dtype=np.float64)
    if name == "line":
        return np.column_stack([-80.0 + 0.8 * t, -30.0 + 0.3 * t])
    if name == "circle":
        a = 2 * np.pi * t / n_steps
        return np.column_stack([60.0 * np.cos(a), 60.0 * np.sin(a)])
    if name == "figure8":
        a = 2 * np.pi * t / n_steps
        return np.column_stack([70.0 * np.sin(a), 40.0 * np.sin(2 * a)])
    if name == "manoeuvres":
        rng = np.random.default_rng(seed)
        heading, speed = rng.uniform(0, 2 * np.pi), 1.2
        p = np.zeros((n_steps, 2))
        turn = 0.0
        for k in range(1, n_steps):
            if k % 25 == 0:  # a new manoeuvre: straight, or a turn either way
                turn = rng.choice([0.0, 0.06, -0.06, 0.12, -0.12])
                speed = float(np.clip(speed + rng.normal(0, 0.3), 0.6, 2.0))
            heading += turn
            p[k] = p[k - 1] + speed * np.array([np.cos(heading), np.sin(heading)])
        return p - p.mean(axis=0)
    raise ValueError(f"name must be one of {', '.join(PRESETS)}, got {name!r}")


def resample_path(points: np.ndarray, n_steps: int) -> np.ndarray:
    """``n_steps`` points equally spaced along the polyline ``points`` (k, 2) by arc length.

    Turns a mouse-drawn stroke (unevenly spaced samples) into a constant-speed track.
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 2:
        raise ValueError(f"points must have shape (k >= 2, 2), got {pts.shape}")
    seg = np.hypot(*np.diff(pts, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    if s[-1] <= 0:
        raise ValueError("points must not all be the same: draw a longer path")
    u = np.linspace(0.0, s[-1], n_steps)
    return np.column_stack([np.interp(u, s, pts[:, 0]), np.interp(u, s, pts[:, 1])])


def uniform_in_time(
    times: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Interpolate a track with irregular, increasing ``times`` (T,) onto a uniform grid.

    Returns ``(times_uniform, positions_uniform, dt)`` with ``dt`` the median time step, so a
    time-invariant motion model applies. Raises ``ValueError`` if times do not increase.
    """
    t = np.asarray(times, dtype=np.float64)
    p = np.asarray(positions, dtype=np.float64)
    dts = np.diff(t)
    if t.shape[0] < 2 or not (dts > 0).all():
        bad = int(np.argmax(dts <= 0)) + 1 if t.shape[0] >= 2 else 0
        raise ValueError(
            f"time must strictly increase, row {bad} does not; sort the file by time "
            "or drop duplicate rows"
        )
    dt = float(np.median(dts))
    grid = t[0] + dt * np.arange(int(np.floor((t[-1] - t[0]) / dt + 1e-9)) + 1)
    out = np.column_stack([np.interp(grid, t, p[:, i]) for i in range(p.shape[1])])
    return grid, out, dt
