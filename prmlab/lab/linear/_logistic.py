"""Logistic regression step by step: the engine's Newton steps (w, b and the log-likelihood
after each), the log-likelihood over (w₁, w₂) for the contour picture, and p(y = 1 | x) over
the plane and at a point."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

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
    ``loglik (k + 1,)`` after j steps (row 0: w = 0); ``extent`` the plane's; ``note`` the
    engine's (e.g. separable data with C = ∞); ``X`` and ``labels`` the points fitted.
    The log-likelihood ``surface (G, G)`` over (w₁, w₂) ∈ ``w_extent``, the intercept held
    at the fit's last, with its contour ``levels``, is computed when first asked for: it
    costs more than the fit (G² x n terms), and a drag's refits do not draw it."""

    coefs: np.ndarray
    intercepts: np.ndarray
    loglik: np.ndarray
    extent: tuple[float, float, float, float]
    converged: bool
    note: str | None
    X: np.ndarray
    labels: np.ndarray

    @property
    def n_steps(self) -> int:
        return len(self.loglik) - 1

    @cached_property
    def _contours(self) -> tuple[np.ndarray, tuple[float, float, float, float], tuple[float, ...]]:
        surface, w_extent = loglik_surface(self.X, self.labels, self.coefs, self.intercepts[-1])
        top = float(surface.max())
        spread = max(top - float(np.percentile(surface, 5)), 1e-9)
        levels = tuple(
            top - spread * (k / CONTOUR_LEVELS) ** 2 for k in range(1, CONTOUR_LEVELS + 1)
        )
        return surface, w_extent, levels

    @property
    def surface(self) -> np.ndarray:
        return self._contours[0]

    @property
    def w_extent(self) -> tuple[float, float, float, float]:
        return self._contours[1]

    @property
    def levels(self) -> tuple[float, ...]:
        return self._contours[2]


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
    return LogisticRun(
        coefs=np.array(coefs),
        intercepts=np.array(intercepts),
        loglik=np.array(loglik),
        extent=extent_of(state.X, pad=0.6),
        converged=bool(model.converged_),
        note=model.note_,
        X=state.X,
        labels=state.labels,
    )


def loglik_surface(
    X: np.ndarray, labels: np.ndarray, path: np.ndarray, intercept: float
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """ℓ(w) = Σ tₙ log σ(sₙ) + (1 − tₙ) log σ(−sₙ), sₙ = wᵀxₙ + b, of the points ``X`` (n, 2)
    with ``labels`` (n,) over a grid of (w₁, w₂) covering the Newton ``path`` (k, 2) and 0,
    the intercept held at ``intercept``."""
    lo = np.minimum(path.min(axis=0), 0.0)
    hi = np.maximum(path.max(axis=0), 0.0)
    mid, half = 0.5 * (lo + hi), 0.65 * max(float(np.max(hi - lo)), 0.5)
    w1 = np.linspace(mid[0] - half, mid[0] + half, CONTOUR_GRID)
    w2 = np.linspace(mid[1] - half, mid[1] + half, CONTOUR_GRID)
    W = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)
    # log σ(±s) as one log σ of the signed score: one log_expit per term, not two and a where
    sign = np.where(labels == 1, 1.0, -1.0)
    signed_X, signed_b = X * sign[:, None], intercept * sign
    ll = np.empty(len(W))
    for lo in range(0, len(W), CONTOUR_GRID):  # a grid row at a time: no G² x n array
        ll[lo : lo + CONTOUR_GRID] = log_expit(
            W[lo : lo + CONTOUR_GRID] @ signed_X.T + signed_b
        ).sum(axis=1)
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
