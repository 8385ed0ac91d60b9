"""Graph mode: belief propagation on a small binary MRF, message by message, beside the exact
marginals (and MAP) by enumeration; and the edits of its potentials (the graph's own edits: ``_edits``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import State


def model_of(state: State) -> pgm.PairwiseMRF:
    """The State's graph as the engine's model (the engine checks its numbers)."""
    return pgm.PairwiseMRF(state.log_unary, state.edges, state.log_pairwise)


@dataclass(frozen=True, eq=False)
class GraphRun:
    """Every sweep of flooding BP on one model, and the enumeration it is checked against.

    ``messages (sweeps + 1, 2m, 2)``: log messages after each sweep (0: uniform);
    ``beliefs (sweeps + 1, n, 2)``; ``error (sweeps + 1,)``: the largest |BP − exact| of a
    marginal (sum) or max-marginal (max, each 1 at its best state)."""

    mrf: pgm.PairwiseMRF
    kind: str
    messages: np.ndarray
    beliefs: np.ndarray
    error: np.ndarray
    exact: pgm.ExactResult
    is_tree: bool

    @property
    def sweeps(self) -> int:
        return len(self.messages) - 1

    @property
    def exact_beliefs(self) -> np.ndarray:
        """``(n, 2)`` what BP's beliefs are compared with: the marginals (sum) or the
        max-marginals (max)."""
        return self.exact.marginals if self.kind == "sum" else self.exact.max_marginals


def graph_run(state: State) -> GraphRun:
    """Runs ``state.sweeps`` flooding sweeps of ``state.kind``-product (no tolerance stop)."""
    mrf = model_of(state)
    exact = pgm.exact_inference(mrf)
    # uniform messages, normalised as the engine's (log-sum-exp 0 for sum, max 0 for max)
    level = -math.log(mrf.n_states) if state.kind == "sum" else 0.0
    uniform = np.full((mrf.n_edges * 2, mrf.n_states), level)
    messages, beliefs = [uniform], [pgm.node_beliefs(mrf, uniform, state.kind)]
    for result in pgm.iter_belief_propagation(mrf, state.kind, max_iter=state.sweeps, tol=0.0):
        messages.append(result.messages)
        beliefs.append(result.marginals)
    beliefs_arr = np.array(beliefs)
    reference = exact.marginals if state.kind == "sum" else exact.max_marginals
    error = np.abs(beliefs_arr - reference[None]).max(axis=(1, 2))
    return GraphRun(mrf, state.kind, np.array(messages), beliefs_arr, error, exact, mrf.is_tree)


@dataclass(frozen=True, eq=False)
class GraphResult:
    """BP after ``position`` messages: ``messages (2m, 2)`` log messages (message 2e runs
    edges[e, 0] → edges[e, 1], 2e + 1 back), ``updated``: the message just sent (−1: a
    sweep's end), ``beliefs (n, 2)`` from these messages, ``sweep`` (fractional), the run."""

    run: GraphRun
    position: int
    messages: np.ndarray
    updated: int
    beliefs: np.ndarray

    @property
    def sweep(self) -> float:
        return self.position / max(1, self.run.messages.shape[1])

    @property
    def map(self) -> np.ndarray:
        return self.beliefs.argmax(axis=1)

    @property
    def message_values(self) -> np.ndarray:
        """``(2m, 2)`` the messages as numbers: summing to 1 (sum) or 1 at the best (max)."""
        return np.exp(self.messages)

    @property
    def map_agrees(self) -> bool:
        """Whether BP's states are the enumerated MAP (max-product) or the argmax of the
        exact marginals (sum-product)."""
        return bool(np.array_equal(self.map, self.run.exact_beliefs.argmax(axis=1)))


def graph_at(run: GraphRun, position: int) -> GraphResult:
    """The flooding schedule revealed one message at a time: after ``position`` messages,
    the last full sweep's messages with the next sweep's first ones sent (clamped to the
    run's end)."""
    per_sweep = run.messages.shape[1]
    position = min(max(0, position), run.sweeps * per_sweep)
    done, sent = divmod(position, per_sweep)
    if sent == 0:
        messages = run.messages[done]
        beliefs = run.beliefs[done]
        updated = -1
    else:
        messages = run.messages[done].copy()
        messages[:sent] = run.messages[done + 1][:sent]
        beliefs = pgm.node_beliefs(run.mrf, messages, run.kind)
        updated = sent - 1
    return GraphResult(run, position, messages, updated, beliefs)


# -- potentials -------------------------------------------------------------------------------
def _log_of(psi: float, name: str) -> float:
    if not (math.isfinite(psi) and psi > 0):
        raise ValueError(
            f"{name} must be a finite number > 0 (a potential, not its log), got {psi}; "
            "type e.g. 0.5 or 2"
        )
    return math.log(psi)


def set_unary(state: State, node: int, value: int, psi: float) -> State:
    """``state`` with ψ_node(value) = ``psi`` (> 0)."""
    unary = state.log_unary.copy()
    unary[node, value] = _log_of(psi, f"ψ{node}({value})")
    return state.replace(log_unary=unary)


def set_pairwise(state: State, edge: int, a: int, b: int, psi: float) -> State:
    """``state`` with ψ_edge(x_u = a, x_v = b) = ``psi`` (> 0)."""
    pairwise = state.log_pairwise.copy()
    pairwise[edge, a, b] = _log_of(psi, f"ψ on edge {edge} at ({a}, {b})")
    return state.replace(log_pairwise=pairwise)


def potentials(state: State) -> tuple[np.ndarray, np.ndarray]:
    """The graph's potentials as numbers (not logs): ``(n, 2)`` ψᵢ(xᵢ) and ``(m, 4)``
    ψ(x_u, x_v) in the order (0,0), (0,1), (1,0), (1,1)."""
    return np.exp(state.log_unary), np.exp(state.log_pairwise).reshape(-1, 4)
