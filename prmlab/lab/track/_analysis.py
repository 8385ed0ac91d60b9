"""What the tracking views need of a run (RMSE, weight classes, the export's columns), and
a table's columns read as a track."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.data.tracks import uniform_in_time
from prmlab.lab.track._experiment import MAX_STEPS, Run

CLOUD_EDGES = (0.3, 0.6, 0.85)  # weight classes of sqrt(w / max w)
STATE_NAMES = ("x", "y", "vx", "vy", "ax", "ay")
TIME_NAMES = ("t", "time", "timestamp", "seconds", "sec", "s")


def track_from_table(X: np.ndarray, names: list[str], name: str = "") -> tuple[np.ndarray, str]:
    """``(xy (T, 2), note)`` of a table's two position columns, resampled uniformly in time
    when it has a time column (one of ``TIME_NAMES``) and thinned to ``MAX_STEPS``."""
    lower = [n.lower() for n in names]
    t_col = next((i for i, n in enumerate(lower) if n in TIME_NAMES), None)
    pos = [i for i in range(X.shape[1]) if i != t_col]
    if len(pos) < 2:
        raise ValueError(
            f"a track needs two position columns (x, y), got {list(names)}; "
            "add a second coordinate column"
        )
    xy = X[:, pos[:2]]
    note = f"CSV: {name or 'track'} ({names[pos[0]]}, {names[pos[1]]})"
    if t_col is not None:
        _, xy, dt = uniform_in_time(X[:, t_col], xy)
        note += f", resampled every dt = {dt:.3g} {names[t_col]}"
    if len(xy) > MAX_STEPS:
        xy = xy[np.linspace(0, len(xy) - 1, MAX_STEPS).round().astype(int)]
        note += f", thinned to {MAX_STEPS} steps"
    if len(xy) < 3:
        raise ValueError(f"a track needs at least 3 rows, got {len(xy)}")
    return np.array(xy, dtype=float), note


@dataclass(frozen=True)
class RmseRow:
    """Position RMSE of raw measurements, Kalman, RTS and particle mean (NaN: n/a)."""

    labels: tuple[str, ...]
    values: np.ndarray


def rmse(est: np.ndarray | None, truth: np.ndarray | None, steps: np.ndarray) -> float:
    """Position RMSE of ``est`` over the boolean ``steps`` (NaN without both)."""
    if est is None or truth is None:
        return float("nan")
    err = np.sum((est[steps, :2] - truth[steps]) ** 2, axis=1)
    err = err[np.isfinite(err)]
    return float(np.sqrt(err.mean())) if len(err) else float("nan")


def rmse_row(run: Run) -> RmseRow:
    """The four RMSEs over the same steps: those with a measurement."""
    seen = np.isfinite(run.raw).all(axis=1)
    pf_means = run.pf.means if run.pf is not None else None
    estimates = (run.raw, run.kf.means, run.rts_means, pf_means)
    values = np.array([rmse(a, run.truth, seen) for a in estimates])
    return RmseRow(("raw", "Kalman", "RTS", "particle"), values)


def weight_classes(weights: np.ndarray) -> np.ndarray:
    """Each particle's drawing class 0..len(CLOUD_EDGES) by ``sqrt(w / max w)``."""
    top = max(float(np.max(weights)), 1e-300)
    return np.digitize(np.sqrt(weights / top), CLOUD_EDGES)


def export_columns(run: Run) -> dict[str, np.ndarray]:
    """The run as named columns over t (fresh arrays), for the results table."""
    T = run.n_steps
    d: dict[str, np.ndarray] = {"t": np.arange(T)}
    if run.truth is not None:
        d["true_x"], d["true_y"] = run.truth.T.copy()
    d["measured_x"], d["measured_y"] = run.raw.T.copy()
    for i in range(run.kf.means.shape[1]):
        d[f"kalman_{STATE_NAMES[i]}"] = run.kf.means[:, i].copy()
    d["kalman_var_x"] = run.kf.covs[:, 0, 0].copy()
    d["kalman_var_y"] = run.kf.covs[:, 1, 1].copy()
    d["kalman_cov_xy"] = run.kf.covs[:, 0, 1].copy()
    d["rts_x"], d["rts_y"] = run.rts_means[:, 0].copy(), run.rts_means[:, 1].copy()
    if run.pf is not None:
        d["particle_x"], d["particle_y"] = run.pf.means[:, 0].copy(), run.pf.means[:, 1].copy()
        d["ess"] = run.pf.ess.copy()
        d["resampled"] = run.pf.resampled.copy()
    d["nis"] = run.kf.nis.copy()
    if run.nees is not None:
        d["nees"] = run.nees.copy()
    return d
