"""Rosenblatt's perceptron (PRML §4.1.7): ``w ← w + η tₙ φₙ`` for each misclassified point."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from prmlab.engine._validation import check_features, check_random_state, check_scalar
from prmlab.engine.linear._common import (
    ConvergenceWarning,
    check_classification_data,
    check_fitted,
)


@dataclass(frozen=True, eq=False)
class PerceptronStep:
    """One update: point ``index`` (``x`` (d,), ``target`` ±1) was misclassified by
    ``coef_before``/``intercept_before`` (``tₙ(wᵀxₙ + b) ≤ 0``) and moved the weights to
    ``coef_after = coef_before + η tₙ xₙ``, ``intercept_after = intercept_before + η tₙ``."""

    epoch: int
    index: int
    x: np.ndarray
    target: int
    coef_before: np.ndarray
    intercept_before: float
    coef_after: np.ndarray
    intercept_after: float


class Perceptron:
    """The perceptron criterion's stochastic gradient descent, one point at a time.

    Each epoch visits the points in an order drawn from ``seed``; every point with
    ``tₙ(wᵀxₙ + b) ≤ 0`` (``tₙ = +1`` for ``classes_[1]``, −1 for ``classes_[0]``) updates
    ``w ← w + η tₙ xₙ``, ``b ← b + η tₙ`` (PRML eq. 4.55, with ``φ = (1, x)``). It stops after
    an epoch without mistakes (``converged_``): on linearly separable data that happens in
    finitely many updates (the perceptron convergence theorem). On inseparable data it cycles
    until ``max_epochs``; ``fit`` then warns and ``note_`` says so.

    Attributes (after ``fit``): ``classes_`` (2,), ``coef_`` (1, d), ``intercept_`` (1,),
    ``n_epochs_``, ``n_updates_``, ``converged_``, ``note_`` (str or None).
    """

    def __init__(self, eta: float = 1.0, max_epochs: int = 100, seed: int = 0) -> None:
        self.eta = eta
        self.max_epochs = max_epochs
        self.seed = seed

    def iter_fit(self, X: Any, y: Any) -> Iterator[PerceptronStep]:
        """Fit on ``X`` (n, d) and two-class ``y`` (n,), yielding each update as it is made;
        the attributes are set when the generator is exhausted (inputs are checked at once)."""
        eta = check_scalar(self.eta, "eta", gt=0.0)
        max_epochs = check_scalar(self.max_epochs, "max_epochs", integer=True, ge=1)
        rng = check_random_state(self.seed)
        X, classes, codes = check_classification_data(X, y)
        if len(classes) != 2:
            raise ValueError(
                f"y must contain exactly 2 classes for the perceptron, got {len(classes)} "
                f"({classes.tolist()!r}); relabel the points into two classes"
            )
        return self._updates(X, classes, np.where(codes == 1, 1.0, -1.0), eta, max_epochs, rng)

    def _updates(
        self,
        X: np.ndarray,
        classes: np.ndarray,
        targets: np.ndarray,
        eta: float,
        max_epochs: int,
        rng: np.random.Generator,
    ) -> Iterator[PerceptronStep]:
        w = np.zeros(X.shape[1])
        b = 0.0
        n_updates = 0
        converged = False
        epoch = 0
        for epoch in range(1, max_epochs + 1):
            order = rng.permutation(X.shape[0])
            start = 0
            mistakes = 0
            while start < len(order):
                rest = order[start:]
                wrong = np.flatnonzero(targets[rest] * (X[rest] @ w + b) <= 0.0)
                if not len(wrong):
                    break
                i = int(rest[wrong[0]])
                start += int(wrong[0]) + 1
                t = targets[i]
                w_after = w + eta * t * X[i]
                b_after = b + eta * t
                yield PerceptronStep(epoch, i, X[i].copy(), int(t), w, b, w_after, b_after)
                w, b = w_after, b_after
                mistakes += 1
            n_updates += mistakes
            if mistakes == 0:
                converged = True
                break
        self.classes_ = classes
        self.coef_ = w[None, :].copy()
        self.intercept_ = np.array([b])
        self.n_epochs_ = epoch
        self.n_updates_ = n_updates
        self.converged_ = converged
        self.note_ = (
            None
            if converged
            else f"still misclassifying points after max_epochs={max_epochs} epochs: the "
            "classes are probably not linearly separable, so the perceptron cycles for ever"
        )

    def fit(self, X: Any, y: Any) -> Perceptron:
        """Run :meth:`iter_fit` to the end; a ``ConvergenceWarning`` if it did not converge."""
        for _ in self.iter_fit(X, y):
            pass
        if not self.converged_:
            warnings.warn(self.note_, ConvergenceWarning, stacklevel=2)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """``wᵀx + b`` (n,): positive on the side of ``classes_[1]``."""
        check_fitted(self)
        return check_features(X, self.coef_.shape[1]) @ self.coef_[0] + self.intercept_[0]

    def predict(self, X: Any) -> np.ndarray:
        """The class of each row of ``X`` (n,): ``classes_[1]`` where ``wᵀx + b > 0``."""
        positive = self.decision_function(X) > 0.0  # checks the fit first
        return self.classes_[positive.astype(int)]
