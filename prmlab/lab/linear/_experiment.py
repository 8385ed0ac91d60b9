"""The linear-models experiment: a State in, the Result its mode shows out. The perceptron
and logistic regression are replayed (``position`` updates or Newton steps); regression is
one fit; the generative mode steps the number of training points."""

from __future__ import annotations

import numpy as np

from prmlab.lab.linear._generative import (
    GenerativeResult,
    check_generative,
    generative,
    learning_curve,
)
from prmlab.lab.linear._logistic import LogisticResult, LogisticRun, logistic_at, logistic_run
from prmlab.lab.linear._perceptron import (
    PerceptronResult,
    PerceptronRun,
    perceptron_at,
    perceptron_run,
)
from prmlab.lab.linear._regression import RegressionResult, check_regression, regression
from prmlab.lab.linear._state import State, check_state

Result = RegressionResult | PerceptronResult | LogisticResult | GenerativeResult
N_STEP = 4  # training points a Step adds in the generative mode


class TooFewClasses(ValueError):
    """The points are not yet of both classes: a note for the user, not an error."""


def check(state: State) -> None:
    """Raise ``TooFewClasses`` or a ``ValueError`` saying why ``state`` cannot be shown."""
    check_state(state)
    if state.mode == "regression":
        check_regression(state)
        return
    if len(np.unique(state.labels)) < 2:
        raise TooFewClasses(
            "Add points of both classes: left click adds class 1 (orange), right click or "
            "Shift+click adds class 0 (blue)."
        )
    if np.any((state.labels != 0) & (state.labels != 1)):
        raise ValueError("labels must be 0 or 1; relabel the points into two classes")
    if state.mode == "generative":
        check_generative(state)


class Experiment:
    """Advances a State: ``run_to(k)`` shows the perceptron after k updates or logistic
    regression after k Newton steps (the whole run is computed once per State and kept, so
    stepping and scrubbing are cheap); regression ignores the position; in the generative
    mode a Step trains on ``N_STEP`` more points."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.result: Result | None = None
        self._run: PerceptronRun | LogisticRun | None = None
        self._run_of: State | None = None  # the State (at position 0) the run belongs to
        self._curve: tuple[np.ndarray, np.ndarray] | None = None
        self._curve_of: State | None = None  # the learning curve's State (any N)

    def moved_to(self, state: State) -> Experiment:
        """A new Experiment of ``state`` that keeps this one's computed runs (a State that
        differs in its position or N only then needs no refit)."""
        other = Experiment(state)
        other._run, other._run_of = self._run, self._run_of
        other._curve, other._curve_of = self._curve, self._curve_of
        return other

    def _replay(self) -> PerceptronRun | LogisticRun:
        key = self.state.replace(position=0)
        if self._run is None or self._run_of is None or not self._run_of.same_as(key):
            make = perceptron_run if self.state.mode == "perceptron" else logistic_run
            self._run, self._run_of = make(self.state), key
        return self._run

    def _learning_curve(self) -> tuple[np.ndarray, np.ndarray]:
        key = self.state.replace(position=0, n_train=0)
        if self._curve is None or self._curve_of is None or not self._curve_of.same_as(key):
            self._curve, self._curve_of = learning_curve(self.state), key
        return self._curve

    def last_position(self) -> int:
        """The replay's last position (0 for regression and the generative mode)."""
        if self.state.mode == "perceptron":
            return self._replay().n_updates
        if self.state.mode == "logistic":
            return self._replay().n_steps
        return 0

    def run_to(self, position: int) -> Result:
        """The Result at ``position`` (clamped to the replay's end); deterministic."""
        check(self.state)
        if position < 0:
            raise ValueError(f"position must be >= 0, got {position}")
        mode = self.state.mode
        if mode == "perceptron":
            self.result = perceptron_at(self._replay(), position)
        elif mode == "logistic":
            self.result = logistic_at(self._replay(), position)
        elif mode == "regression":
            self.result = regression(self.state)
        else:
            self.result = generative(self.state, self._learning_curve)
        shown = getattr(self.result, "position", 0)
        self.state = self.state.replace(position=shown)
        return self.result

    def show(self) -> Result:
        """The Result the State describes."""
        return self.run_to(self.state.position)

    def reset(self) -> Result:
        return self.run_to(0)

    def step(self) -> Result:
        """One update, one Newton step, or ``N_STEP`` more training points."""
        if self.state.mode == "generative":
            n = check_generative(self.state)
            self.state = self.state.replace(n_train=min(n + N_STEP, len(self.state.labels)))
            return self.run_to(0)
        return self.run_to(self.state.position + 1)

    def run_to_end(self) -> Result:
        return self.run_to(self.last_position())

    @property
    def finished(self) -> bool:
        """Whether a Step would change nothing."""
        if self.state.mode == "generative":
            return check_generative(self.state) >= len(self.state.labels)
        return self.state.position >= self.last_position()
