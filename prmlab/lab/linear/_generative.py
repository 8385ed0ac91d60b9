"""Generative against discriminative classifiers on the same points: Gaussian discriminant
analysis with a shared Σ (linear boundary) and with one Σ per class (quadratic), naive
Bayes, and logistic regression, trained on the first N points and tested on the rest; the
accuracy of each as N grows."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from prmlab.engine.linear import GaussianDiscriminant, GaussianNB, LogisticRegression
from prmlab.lab.linear._geometry import GRID, extent_of, grid_points
from prmlab.lab.linear._state import State

MODELS = ("GDA, shared Σ", "GDA, separate Σ", "Naive Bayes", "Logistic regression")
MIN_PER_CLASS = 3  # a class's covariance needs more points than dimensions
CURVE_POINTS = 6  # each N fits four models


@dataclass(frozen=True, eq=False)
class GenerativeResult:
    """The four models trained on the first ``n_train`` points: ``probability[m] (GRID,
    GRID)`` p(class 1 | x) of model ``MODELS[m]`` over ``extent`` (NaN if it could not be
    fitted); the class Gaussians ``means (2, 2)``, ``covariances (2, 2, 2)`` (separate) and
    ``shared (2, 2)``; naive Bayes' ``nb_variances (2, 2)``; ``accuracy (4,)`` on the points
    after the first ``n_train`` (``tested`` False: none left, training accuracy); ``notes``.
    The learning curve ``curve_n (m,)``, ``curve_accuracy (m, 4)`` comes from ``curve_source``
    when first asked for: it fits four models per N, more than the result itself, and a
    drag's refits do not draw it."""

    n_train: int
    extent: tuple[float, float, float, float]
    probability: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    shared: np.ndarray
    nb_variances: np.ndarray
    accuracy: np.ndarray
    tested: bool
    curve_source: Callable[[], tuple[np.ndarray, np.ndarray]]
    notes: tuple[str, ...] = ()

    @cached_property
    def _curve(self) -> tuple[np.ndarray, np.ndarray]:
        return self.curve_source()

    @property
    def curve_n(self) -> np.ndarray:
        return self._curve[0]

    @property
    def curve_accuracy(self) -> np.ndarray:
        return self._curve[1]


def smallest_n(labels: np.ndarray) -> int | None:
    """The fewest leading points holding ``MIN_PER_CLASS`` of each class (None: never)."""
    counts = np.cumsum(np.eye(2, dtype=np.int64)[np.asarray(labels, np.int64)], axis=0)
    enough = np.flatnonzero(np.all(counts >= MIN_PER_CLASS, axis=1))
    return int(enough[0]) + 1 if len(enough) else None


def check_generative(state: State) -> int:
    """The number of training points ``state`` asks for, or ``ValueError`` if the points
    have fewer than ``MIN_PER_CLASS`` of each class."""
    first = smallest_n(state.labels)
    if first is None:
        raise ValueError(
            f"GDA needs at least {MIN_PER_CLASS} points of each class; add points of both "
            "classes (left click: class 1, right or Shift+click: class 0)"
        )
    n = len(state.labels) if state.n_train <= 0 else min(state.n_train, len(state.labels))
    return max(n, first)


def _models(C: float):
    return (
        GaussianDiscriminant(shared_covariance=True),
        GaussianDiscriminant(shared_covariance=False),
        GaussianNB(),
        LogisticRegression(C=C),
    )


def _fitted(X: np.ndarray, y: np.ndarray, C: float) -> list:
    with warnings.catch_warnings():  # separable small samples: the result shows it
        warnings.simplefilter("ignore")
        return [m.fit(X, y) for m in _models(C)]


def _accuracy(models: list, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.array([float(np.mean(m.predict(X) == y)) for m in models])


def generative(
    state: State, curve: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None
) -> GenerativeResult:
    """The four classifiers on the first N points of ``state`` (N = ``n_train``, at least
    the smallest that holds enough of each class), tested on the rest; ``curve``: what gives
    the ``learning_curve`` of the same points (it does not depend on N; one that keeps it
    saves the refits), ``learning_curve(state)`` if None."""
    n = check_generative(state)
    X, y = state.X, state.labels
    models = _fitted(X[:n], y[:n], state.C)
    tested = n < len(y)
    Xt, yt = (X[n:], y[n:]) if tested else (X, y)
    extent = extent_of(X, pad=0.6)
    grid = grid_points(extent)
    probability = np.stack([m.predict_proba(grid)[:, 1].reshape(GRID, GRID) for m in models])
    lda, qda, nb = models[0], models[1], models[2]
    notes = () if tested else ("All points train: the accuracies are on the training points.",)
    return GenerativeResult(
        n_train=n,
        extent=extent,
        probability=probability,
        means=np.array(qda.means_, float),
        covariances=np.array(qda.covariances_, float),
        shared=np.array(lda.covariances_, float)[0],
        nb_variances=np.array(nb.var_, float),
        accuracy=_accuracy(models, Xt, yt),
        tested=tested,
        curve_source=curve or (lambda: learning_curve(state)),
        notes=notes,
    )


def learning_curve(state: State) -> tuple[np.ndarray, np.ndarray]:
    """Test accuracy (m, 4) of the four models trained on the first N points, for m values
    of N from the smallest possible to 80 % of the points (the rest test)."""
    first = smallest_n(state.labels)
    last = int(0.8 * len(state.labels))
    if first is None or last <= first:
        return np.empty(0, np.int64), np.empty((0, len(MODELS)))
    ns = np.unique(np.linspace(first, last, CURVE_POINTS).round().astype(np.int64))
    X, y = state.X, state.labels
    rows = []
    for n in ns:
        try:
            rows.append(_accuracy(_fitted(X[:n], y[:n], state.C), X[n:], y[n:]))
        except ValueError:  # e.g. a class's few points on a line: no covariance yet
            rows.append(np.full(len(MODELS), np.nan))
    return ns, np.array(rows)
