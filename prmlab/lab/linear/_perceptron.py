"""The perceptron, one update at a time: every update the engine made (the misclassified
point, w before and after) and the training errors after each, so any step can be shown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine.linear import Perceptron
from prmlab.lab.linear._state import State

MAX_UPDATES = 20_000  # a replay longer than this is cut (inseparable data on many points)


@dataclass(frozen=True, eq=False)
class PerceptronRun:
    """All updates of one run: ``index (k,)`` the misclassified point of update j+1,
    ``coefs (k + 1, 2)`` and ``intercepts (k + 1,)`` the weights after j updates (row 0: w =
    0), ``epochs (k,)``, ``errors (k + 1,)`` training mistakes of those weights;
    ``converged`` (an epoch without mistakes) and the engine's ``note`` otherwise."""

    index: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    epochs: np.ndarray
    errors: np.ndarray
    converged: bool
    note: str | None

    @property
    def n_updates(self) -> int:
        return len(self.index)


@dataclass(frozen=True, eq=False)
class PerceptronResult:
    """The run at ``position`` updates: the weights before (``coef_before``/``intercept_before``,
    the previous step's) and after this update, the point ``index`` it corrected (−1 at w = 0),
    the whole ``run`` for the error curve and the weight path."""

    run: PerceptronRun
    position: int
    index: int
    coef_before: np.ndarray
    intercept_before: float
    coef: np.ndarray
    intercept: float
    epoch: int

    @property
    def finished(self) -> bool:
        return self.position >= self.run.n_updates

    @property
    def errors(self) -> int:
        return int(self.run.errors[self.position])


def perceptron_run(state: State) -> PerceptronRun:
    """The engine's perceptron on ``state``'s points, every update recorded."""
    model = Perceptron(eta=state.eta, max_epochs=state.max_epochs, seed=state.seed)
    X, t = state.X, np.where(state.labels == 1, 1.0, -1.0)
    index, coefs, intercepts, epochs = [], [np.zeros(2)], [0.0], []
    note = None
    for step in model.iter_fit(X, state.labels):
        index.append(step.index)
        coefs.append(step.coef_after)
        intercepts.append(step.intercept_after)
        epochs.append(step.epoch)
        if len(index) >= MAX_UPDATES:
            note = f"stopped the replay after {MAX_UPDATES} updates"
            break
    else:
        note = model.note_
    W, b = np.array(coefs, float), np.array(intercepts, float)
    errors = np.sum(t[None, :] * (W @ X.T + b[:, None]) <= 0.0, axis=1)
    return PerceptronRun(
        index=np.array(index, np.int64),
        coefs=W,
        intercepts=b,
        epochs=np.array(epochs, np.int64),
        errors=errors.astype(np.int64),
        converged=note is None,
        note=note,
    )


def perceptron_at(run: PerceptronRun, position: int) -> PerceptronResult:
    """The run after ``position`` updates (clamped to its end)."""
    k = max(0, min(int(position), run.n_updates))
    before = max(k - 1, 0)
    return PerceptronResult(
        run=run,
        position=k,
        index=int(run.index[k - 1]) if k else -1,
        coef_before=run.coefs[before].copy(),
        intercept_before=float(run.intercepts[before]),
        coef=run.coefs[k].copy(),
        intercept=float(run.intercepts[k]),
        epoch=int(run.epochs[k - 1]) if k else 0,
    )
