"""The Tracking whiteboard's live numbers against filterpy's Kalman filter (its prior, y, S,
K and posterior at the same step) and an RTS gain from filterpy's smoother."""

from __future__ import annotations

import numpy as np
import pytest
from filterpy.kalman import KalmanFilter

from prmlab.lab import track
from prmlab.lab.track._experiment import _models, _prior
from prmlab.lab.whiteboard import board_for
from prmlab.lab.whiteboard.track import quantities


def filterpy_at(state: track.State, t: int) -> KalmanFilter:
    """filterpy's filter after predicting (t > 0) and updating at step ``t``."""
    _zs, raw, var = track.measure(state)
    F, H, Q, R, _ = _models(state, var)
    f = KalmanFilter(dim_x=F.shape[0], dim_z=2)
    f.F, f.H, f.Q, f.R = F, H, Q, R
    f.x, f.P = _prior(raw, F.shape[0], var)
    for s in range(t + 1):
        if s > 0:
            f.predict()
        else:
            f.x_prior, f.P_prior = f.x.copy(), f.P.copy()
        f.update(None if np.isnan(raw[s]).any() else raw[s])
    return f


@pytest.fixture(scope="module")
def run():
    experiment = track.Experiment(track.preset("Circle", seed=3, n_steps=30))
    return experiment.state, experiment


@pytest.mark.parametrize("t", [0, 1, 12, 29])
def test_kalman_step_numbers_match_filterpy(run, t):
    state, experiment = run
    result = experiment.run_to(t)
    f = filterpy_at(experiment.state, t)
    board = board_for(experiment.state, result)
    shown = {eq.caption: eq.values for eq in board.equations}
    np.testing.assert_allclose(shown["Predict: the state"]["x"], f.x_prior, atol=1e-9)
    np.testing.assert_allclose(shown["Predict: its covariance"]["P"], f.P_prior, atol=1e-9)
    np.testing.assert_allclose(shown["The innovation"]["y"], f.y, atol=1e-9)
    np.testing.assert_allclose(shown["Its covariance"]["S"], f.S, atol=1e-9)
    np.testing.assert_allclose(shown["The Kalman gain"]["K"], f.K, atol=1e-9)
    np.testing.assert_allclose(shown["Update: the state"]["x"], f.x, atol=1e-8)
    np.testing.assert_allclose(shown["Update: its covariance"]["P"], f.P, atol=1e-8)
    assert ("RTS smoother: the backward gain" in shown) == (t < 29)
    assert board.title.startswith(f"Kalman filter, time step t = {t} ")


def test_rts_gain_and_smoothed_mean_match_filterpy(run):
    state, experiment = run
    result = experiment.run_to(0)
    _zs, raw, var = track.measure(state)
    F, H, Q, R, _ = _models(state, var)
    f = KalmanFilter(dim_x=4, dim_z=2)
    f.F, f.H, f.Q, f.R = F, H, Q, R
    f.x, f.P = _prior(raw, 4, var)
    means, covs = result.run.kf.means, result.run.kf.covs
    xs, _ps, gains, _pp = f.rts_smoother(means, covs)
    for t in (0, 10, 28):
        q = quantities(state, experiment.run_to(t), t)
        np.testing.assert_allclose(q["G"], gains[t], atol=1e-9)
        np.testing.assert_allclose(q["xs"], xs[t], atol=1e-8)


def test_a_dropout_step_has_no_update():
    state = track.preset("Straight line", seed=0, n_steps=30).replace(dropouts=((10.0, 14.0),))
    experiment = track.Experiment(state)
    board = board_for(experiment.state, experiment.run_to(12))
    captions = [eq.caption for eq in board.equations]
    assert any(c.startswith("No measurement") for c in captions)
    assert "The Kalman gain" not in captions
