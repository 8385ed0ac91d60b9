"""Logistic regression step by step: the engine's Newton steps (w, b and the log-likelihood
after each), the log-likelihood over (w₁, w₂) for the contour picture, and p(y = 1 | x) over
the plane and at a point."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit

from prmlab.engine.linear import LogisticRegression
from prmlab.lab.linear._geometry import extent_of, grid_points
from prmlab.lab.linear._state import State

CONTOUR_GRID = 60
CONTOUR_LEVELS = 8


@dataclass(frozen=True, eq=False)
class LogisticRun:
    """Newton's steps on one State: ``coefs (k + 1, 2)``, ``intercepts (k + 1,)`` and
    ``loglik (k + 1,)`` after j steps (row 0: w = 0); the log-likelihood ``surface (G, G)``
    over (w₁, w₂) ∈ ``w_extent``, the intercept held at the fit's last, with ``levels``;
    ``extent`` the plane's; ``note`` the engine's (e.g. separable data with C = ∞)."""

    coefs: np.ndarray
    intercepts: np.ndarray
    loglik: np.ndarray
    surface: np.ndarray
    w_extent: tuple[float, float, float, float]
    levels: tuple[float, ...]
    extent: tuple[float, float, float, float]
    converged: bool
    note: str | None

    @property
    def n_steps(self) -> int:
        return len(self.loglik) - 1


@dataclass(frozen=True, eq=False)
class LogisticResult:
    """The fit after ``position`` Newton steps: ``coef (2,)``, ``intercept``, the
    log-likelihood, and ``probability (GRID, GRID)`` = p(y = 1 | x) over ``run.extent``."""

    run: LogisticRun
    position: int
    coef: np.ndarray
    intercept: float
    loglik: float
    probability: np.ndarray

    @property
    def finished(self) -> bool:
        return self.position >= self.run.n_steps


def logistic_run(state: State) -> LogisticRun:
    """Every Newton step of the engine's logistic regression on ``state``'s points."""
    model = LogisticRegression(C=state.C)
    coefs, intercepts, loglik = [], [], []
    with warnings.catch_warnings():  # the run's note says it; no warning twice
        warnings.simplefilter("ignore")
        for step in model.iter_fit(state.X, state.labels):
            coefs.append(np.asarray(step.coef, float).reshape(-1))
            intercepts.append(float(np.asarray(step.intercept).reshape(-1)[0]))
            loglik.append(float(step.log_likelihood))
    W = np.array(coefs)
    surface, w_extent = loglik_surface(state, W, intercepts[-1])
    top = float(surface.max())
    spread = max(top - float(np.percentile(surface, 5)), 1e-9)
    levels = tuple(top - spread * (k / CONTOUR_LEVELS) ** 2 for k in range(1, CONTOUR_LEVELS + 1))
    return LogisticRun(
        coefs=W,
        intercepts=np.array(intercepts),
        loglik=np.array(loglik),
        surface=surface,
        w_extent=w_extent,
        levels=levels,
        extent=extent_of(state.X, pad=0.6),
        converged=bool(model.converged_),
        note=model.note_,
    )


def loglik_surface(
    state: State, path: np.ndarray, intercept: float
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """ℓ(w) = Σ tₙ log σ(sₙ) + (1 − tₙ) log σ(−sₙ), sₙ = wᵀxₙ + b, over a grid of (w₁, w₂)
    covering the Newton ``path`` (k, 2) and 0, the intercept held at ``intercept``."""
    lo = np.minimum(path.min(axis=0), 0.0)
    hi = np.maximum(path.max(axis=0), 0.0)
    mid, half = 0.5 * (lo + hi), 0.65 * max(float(np.max(hi - lo)), 0.5)
    w1 = np.linspace(mid[0] - half, mid[0] + half, CONTOUR_GRID)
    w2 = np.linspace(mid[1] - half, mid[1] + half, CONTOUR_GRID)
    W = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)
    s = W @ state.X.T + intercept
    t = state.labels == 1
    ll = np.where(t[None, :], log_expit(s), log_expit(-s)).sum(axis=1)
    extent = (float(w1[0]), float(w1[-1]), float(w2[0]), float(w2[-1]))
    return ll.reshape(CONTOUR_GRID, CONTOUR_GRID), extent


def probability_at(coef: np.ndarray, intercept: float, X: np.ndarray) -> np.ndarray:
    """p(y = 1 | x) = σ(wᵀx + b) at the rows of ``X`` (m, 2)."""
    return expit(np.asarray(X, float) @ np.asarray(coef, float) + intercept)


def logistic_at(run: LogisticRun, position: int) -> LogisticResult:
    """The fit after ``position`` steps (clamped to the run's end)."""
    k = max(0, min(int(position), run.n_steps))
    coef, b = run.coefs[k].copy(), float(run.intercepts[k])
    p = probability_at(coef, b, grid_points(run.extent))
    n = int(round(np.sqrt(len(p))))
    return LogisticResult(
        run=run,
        position=k,
        coef=coef,
        intercept=b,
        loglik=float(run.loglik[k]),
        probability=p.reshape(n, n),
    )
