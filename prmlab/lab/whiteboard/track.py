"""Tracking on the whiteboard: the Kalman filter's predict and update at one time step, and
the RTS smoother's backward gain (PRML §13.3).

Symbols as in PRML §13.3 and the panel's text: z the state, m its mean, x the
measurement. ``selection`` is the time step ``t`` (default: the State's drawn time). The filtered and
smoothed means and covariances are the engine's (``Run``); the prediction is the engine's
``kalman.predict``; the innovation ``y``, its covariance ``S`` and the gains ``K`` and ``G``
are formed here from those and the model's F, H, Q, R, the same products the engine's
kernel forms (the tests check them against filterpy). Covariance matrices show the whole
state for the constant-velocity model (4 × 4) and the position block for constant
acceleration.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine import kalman
from prmlab.lab import track
from prmlab.lab.track._experiment import _models, _prior
from prmlab.lab.whiteboard import Board, Equation, Line

PREDICT_X = r"m^{-}_t = F\,m_{t-1}"
PREDICT_P = r"P^{-}_t = F\,P_{t-1}F^{\top} + Q"
INNOVATION = r"y_t = x_t - H\,m^{-}_t"
INNOVATION_COV = r"S_t = H\,P^{-}_t H^{\top} + R"
GAIN = r"K_t = P^{-}_t H^{\top}\left(H P^{-}_t H^{\top} + R\right)^{-1} = P^{-}_t H^{\top} S_t^{-1}"
UPDATE_X = r"m_t = m^{-}_t + K_t\,y_t"
UPDATE_P = r"P_t = (I - K_t H)\,P^{-}_t"
RTS_GAIN = r"G_t = P_t F^{\top}\left(P^{-}_{t+1}\right)^{-1}"
RTS_MEAN = r"m^{s}_t = m_t + G_t\left(m^{s}_{t+1} - m^{-}_{t+1}\right)"

DERIVATION = (
    Line(r"p(z_t\mid x_{1:t-1}) = \int p(z_t\mid z_{t-1})\,p(z_{t-1}\mid x_{1:t-1})\,dz_{t-1}"
         r" = \mathcal{N}(m^{-}_t, P^{-}_t)", "predict: the dashed (predicted) ellipse"),
    Line(r"p(z_t\mid x_{1:t}) \propto p(x_t\mid z_t)\,p(z_t\mid x_{1:t-1})",
         "update: the measurement (a cross) pulls the estimate"),
    Line(r"y_t = x_t - H m^{-}_t,\quad S_t = H P^{-}_t H^{\top} + R",
         "the innovation: from the predicted point to the measurement"),
    Line(r"K_t = P^{-}_t H^{\top} S_t^{-1}",
         "how far along y the estimate moves (large P⁻ or small R: far)"),
    Line(r"m_t = m^{-}_t + K_t y_t,\quad P_t = (I - K_t H) P^{-}_t",
         "the filtered estimate and its (smaller) solid ellipse"),
    Line(r"m^{s}_t = m_t + G_t(m^{s}_{t+1} - m^{-}_{t+1})",
         "RTS: the smoothed track, run backwards from the end"),
)  # fmt: skip

NOTES = (
    "As in PRML §13.3, z is the state (position, velocity) with mean m and "
    "covariance P, x the measurement; F is also written A and H also C.",
    "At t = 0 there is no prediction: m⁻₀, P⁻₀ are the prior at the first measurement.",
)


def _shown(P: np.ndarray) -> np.ndarray:
    """A covariance as shown: all of it up to 4 × 4, else its position block."""
    return P if P.shape[0] <= 4 else P[:2, :2]


def quantities(state: track.State, result: track.Result, t: int) -> dict[str, np.ndarray]:
    """The Kalman filter's quantities at step ``t`` (keys: the state's mean ``x``, the
    measurement ``z``): x_prior, P_prior, z, y, S, K, x, P and
    (before the last step) the RTS gain G and smoothed mean xs. ``y``, ``S`` and ``K`` are
    None where the measurement is missing."""
    run = result.run
    _zs, raw, var = track.measure(state)
    F, H, Q, R, _model = _models(state, var)
    if t == 0:
        x_prior, P_prior = _prior(raw, F.shape[0], var)
    else:
        x_prior, P_prior = kalman.predict(run.kf.means[t - 1], run.kf.covs[t - 1], F, Q)
    z = run.raw[t]
    out = {"x_prior": x_prior, "P_prior": P_prior, "z": z, "H": H, "R": R}
    if np.isnan(z).any():
        out |= {"y": None, "S": None, "K": None}
    else:
        S = H @ P_prior @ H.T + R
        out |= {"y": z - H @ x_prior, "S": S, "K": np.linalg.solve(S, H @ P_prior).T}
    out |= {"x": run.kf.means[t], "P": run.kf.covs[t]}
    if t + 1 < run.n_steps:
        _x_next, P_next = kalman.predict(run.kf.means[t], run.kf.covs[t], F, Q)
        out["G"] = np.linalg.solve(P_next, F @ run.kf.covs[t]).T  # P_t Fᵀ (P⁻_{t+1})⁻¹
        out["xs"] = run.rts_means[t]
    return out


def board(state: track.State, result: track.Result, selection: int | None = None) -> Board:
    """The equations of the Kalman step at ``selection`` (default: the drawn time)."""
    t = result.t if selection is None else int(selection)
    q = quantities(state, result, t)
    equations = [
        Equation("Predict: the state", PREDICT_X, r"m^{-}_t = \slot{x}", {"x": q["x_prior"]}),
        Equation(
            "Predict: its covariance" + (" (position block)" if q["P"].shape[0] > 4 else ""),
            PREDICT_P,
            r"P^{-}_t = \slot{P}",
            {"P": _shown(q["P_prior"])},
        ),
    ]
    if q["K"] is None:
        equations.append(
            Equation("No measurement at this step (dropout): m = m⁻, P = P⁻", UPDATE_X)
        )
    else:
        equations += [
            Equation("The innovation", INNOVATION, r"x_t = \slot{z},\; y_t = \slot{y}",
                     {"z": q["z"], "y": q["y"]}),
            Equation("Its covariance", INNOVATION_COV, r"S_t = \slot{S}", {"S": q["S"]}),
            Equation("The Kalman gain", GAIN, r"K_t = \slot{K}", {"K": q["K"]}),
            Equation("Update: the state", UPDATE_X, r"m_t = \slot{x}", {"x": q["x"]}),
            Equation("Update: its covariance", UPDATE_P, r"P_t = \slot{P}",
                     {"P": _shown(q["P"])}),
        ]  # fmt: skip
    if "G" in q:
        equations += [
            Equation("RTS smoother: the backward gain", RTS_GAIN, r"G_t = \slot{G}",
                     {"G": _shown(q["G"])}),
            Equation("RTS smoother: the smoothed state", RTS_MEAN, r"m^{s}_t = \slot{xs}",
                     {"xs": q["xs"]}),
        ]  # fmt: skip
    notes = NOTES
    if state.measurement == "range_bearing" and state.measured is None:
        notes += (
            "Range-bearing: the Kalman filter gets each beacon's measurement converted to a "
            "position and averaged, with an averaged R (not an EKF).",
        )
    title = f"Kalman filter, time step t = {t} of {result.run.n_steps - 1}"
    return Board(title, tuple(equations), DERIVATION, notes)
