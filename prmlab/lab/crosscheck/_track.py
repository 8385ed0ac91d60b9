"""Tracking: the Kalman filter and RTS smoother of the State's run against filterpy's."""

from __future__ import annotations

import numpy as np

from prmlab.engine import kalman as engine
from prmlab.lab import track
from prmlab.lab.crosscheck._rows import Row, reference, row

# the run's own model and prior (the panel's filter is given these, so is filterpy's)
from prmlab.lab.track._experiment import _models, _prior

FILTERPY = "filterpy"


def cross_check(state: track.State) -> list[Row]:
    """Filtered means and covariances, the log-likelihood and the RTS smoother's means and
    covariances against filterpy's KalmanFilter (predict, update; None at a dropout) and
    its rts_smoother, from the same prior on the same measured positions."""
    kalman = reference("filterpy.kalman", FILTERPY)
    track.check(state)
    _zs, raw, var = track.measure(state)
    F, H, Q, R, _ = _models(state, var)
    x0, P0 = _prior(raw, F.shape[0], var)
    # the engine's calls of the run (track.iter_run), without its particle filter
    ours = engine.run_kalman(raw, F, H, Q, R, x0, P0)
    ours_smoothed = engine.rts_smoother(ours.means, ours.covs, F, Q)
    f = kalman.KalmanFilter(dim_x=F.shape[0], dim_z=2)
    f.F, f.H, f.Q, f.R, f.x, f.P = F, H, Q, R, x0.copy(), P0.copy()
    means, covs, log_likelihood = [], [], 0.0
    for t, z in enumerate(raw):
        if t > 0:  # the prior is at the first step: no predict before it
            f.predict()
        seen = not np.isnan(z).any()
        f.update(z if seen else None)
        log_likelihood += f.log_likelihood if seen else 0.0
        means.append(f.x.copy())
        covs.append(f.P.copy())
    means, covs = np.array(means), np.array(covs)
    smoothed, smoothed_covs, _gains, _predicted = f.rts_smoother(means, covs)
    scale = max(1.0, float(np.nanmax(np.abs(raw))))
    spread = max(1.0, float(np.abs(covs).max()))
    return [
        row("Kalman filtered means", FILTERPY, ours.means, means, 1e-8 * scale),
        row("Kalman filtered covariances", FILTERPY, ours.covs, covs, 1e-8 * spread),
        row("Kalman log-likelihood", FILTERPY, ours.log_likelihood, log_likelihood,
            1e-8 * max(1.0, abs(log_likelihood))),
        row("RTS smoothed means", FILTERPY, ours_smoothed[0], smoothed, 1e-8 * scale),
        row("RTS smoothed covariances", FILTERPY, ours_smoothed[1], smoothed_covs,
            1e-8 * spread),
    ]  # fmt: skip
