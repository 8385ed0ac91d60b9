"""The inference experiment: a State in, its mode's Result out. Each mode's whole run (every
sweep or update up to the State's limit) is computed once per model and kept, so Step, Play
and the scrubber only pick a position."""

from __future__ import annotations

import numpy as np

from prmlab.lab.inference._bayes import BayesResult, bayes
from prmlab.lab.inference._denoise import DenoiseResult, DenoiseRun, denoise_run
from prmlab.lab.inference._graph import GraphResult, GraphRun, graph_at, graph_run
from prmlab.lab.inference._state import State, check_state
from prmlab.lab.inference._variational import N_UPDATES, VariationalResult, variational

_NOWHERE = np.empty((0, 2))
Result = GraphResult | BayesResult | DenoiseResult | VariationalResult


def check(state: State) -> None:
    """Raise ``ValueError`` saying why ``state`` cannot be shown."""
    check_state(state)


class Experiment:
    """Advances a State: ``run_to(k)`` shows BP after k messages, denoising after k sweeps
    or mean field after k coordinate updates; the Bayesian network has no steps."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.result: Result | None = None
        self._run: GraphRun | DenoiseRun | None = None
        self._run_of: State | None = None  # the State (at position 0) the run belongs to

    def moved_to(self, state: State) -> Experiment:
        """A new Experiment of ``state`` keeping this one's run (a State differing only in
        its position, per-message stepping or its nodes' places needs no rerun)."""
        other = Experiment(state)
        other._run, other._run_of = self._run, self._run_of
        return other

    def _key(self) -> State:
        """What decides the run: not the position, the step unit or where nodes are drawn
        (a node dragged elsewhere needs no rerun)."""
        return self.state.replace(position=0, per_message=False, node_xy=_NOWHERE, dag_xy=_NOWHERE)

    def _replay(self) -> GraphRun | DenoiseRun:
        key = self._key()
        if self._run is None or self._run_of is None or not self._run_of.same_as(key):
            make = graph_run if self.state.mode == "graph" else denoise_run
            self._run, self._run_of = make(self.state), key
        return self._run

    def step_size(self) -> int:
        """Positions a Step moves: one message or a whole sweep in the graph mode, else 1."""
        if self.state.mode == "graph" and not self.state.per_message:
            return self.state.n_messages
        return 1

    def last_position(self) -> int:
        mode = self.state.mode
        if mode == "graph":
            return self.state.sweeps * self.state.n_messages
        if mode == "denoise":
            return self.state.sweeps
        return N_UPDATES if mode == "variational" else 0

    def run_to(self, position: int) -> Result:
        """The Result at ``position`` (clamped to the run's end); deterministic."""
        check(self.state)
        if position < 0:
            raise ValueError(f"position must be >= 0, got {position}")
        position = min(position, self.last_position())
        self.state = self.state.replace(position=position)
        mode = self.state.mode
        if mode == "graph":
            self.result = graph_at(self._replay(), position)
        elif mode == "denoise":
            self.result = DenoiseResult(self._replay(), position)
        elif mode == "variational":
            self.result = variational(self.state)
        else:
            self.result = bayes(self.state)
        return self.result

    def show(self) -> Result:
        """The Result the State describes."""
        return self.run_to(self.state.position)

    def reset(self) -> Result:
        return self.run_to(0)

    def step(self) -> Result:
        """One message or sweep (graph), one sweep (denoising), one update (variational);
        the graph's per-sweep Step lands on the next sweep's end."""
        size = self.step_size()
        return self.run_to((self.state.position // size + 1) * size)

    def run_to_end(self) -> Result:
        return self.run_to(self.last_position())

    @property
    def finished(self) -> bool:
        """Whether a Step would change nothing."""
        return self.state.position >= self.last_position()
