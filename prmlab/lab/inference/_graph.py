"""Graph mode: belief propagation on a small binary MRF, message by message, beside the exact
marginals (and MAP) by enumeration; and the edits of the graph and its potentials."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import MAX_NODES, State


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


# -- edits ------------------------------------------------------------------------------------
def add_node(state: State, attach_to: int) -> State:
    """``state`` with a new node joined to node ``attach_to`` (neutral potentials, the
    preset's agreeing edge)."""
    n = len(state.node_xy)
    if n >= MAX_NODES:
        raise ValueError(
            f"the graph has {n} nodes, the most the exact reference enumerates here is "
            f"{MAX_NODES}; remove a node first"
        )
    if not 0 <= attach_to < n:
        raise ValueError(f"attach_to must be a node 0..{n - 1}, got {attach_to}")
    angle = 2.0 * math.pi * (0.15 + 0.37 * n)  # spread new nodes around their neighbour
    xy = state.node_xy[attach_to] + 0.9 * np.array([math.cos(angle), math.sin(angle)])
    return state.replace(
        graph="Edited",
        node_xy=np.vstack([state.node_xy, xy]),
        log_unary=np.vstack([state.log_unary, np.zeros(2)]),
        edges=np.vstack([state.edges, [attach_to, n]]).astype(np.int64),
        log_pairwise=np.concatenate([state.log_pairwise, _agree()[None]]),
        position=0,
    )


def _agree() -> np.ndarray:
    return np.array([[0.8, -0.8], [-0.8, 0.8]])


def add_edge(state: State, u: int, v: int) -> State:
    """``state`` with the edge u – v (the engine refuses self-loops, duplicates and nodes
    out of range, saying why)."""
    edges = np.vstack([state.edges, [u, v]]).astype(np.int64)
    pairwise = np.concatenate([state.log_pairwise, _agree()[None]])
    pgm.PairwiseMRF(state.log_unary, edges, pairwise)  # checked here, where the user acts
    return state.replace(graph="Edited", edges=edges, log_pairwise=pairwise, position=0)


def remove_node(state: State, node: int) -> State:
    """``state`` without ``node`` and its edges (nodes after it renumbered)."""
    n = len(state.node_xy)
    if n <= 2:
        raise ValueError("the graph needs at least 2 nodes; load a preset to start again")
    if not 0 <= node < n:
        raise ValueError(f"node must be 0..{n - 1}, got {node}")
    keep = ~np.any(state.edges == node, axis=1)
    edges = state.edges[keep]
    edges = np.where(edges > node, edges - 1, edges).astype(np.int64)
    return state.replace(
        graph="Edited",
        node_xy=np.delete(state.node_xy, node, axis=0),
        log_unary=np.delete(state.log_unary, node, axis=0),
        edges=edges.reshape(-1, 2),
        log_pairwise=state.log_pairwise[keep],
        position=0,
    )


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
    return state.replace(log_unary=unary, position=0)


def set_pairwise(state: State, edge: int, a: int, b: int, psi: float) -> State:
    """``state`` with ψ_edge(x_u = a, x_v = b) = ``psi`` (> 0)."""
    pairwise = state.log_pairwise.copy()
    pairwise[edge, a, b] = _log_of(psi, f"ψ on edge {edge} at ({a}, {b})")
    return state.replace(log_pairwise=pairwise, position=0)


def potentials(state: State) -> tuple[np.ndarray, np.ndarray]:
    """The graph's potentials as numbers (not logs): ``(n, 2)`` ψᵢ(xᵢ) and ``(m, 4)``
    ψ(x_u, x_v) in the order (0,0), (0,1), (1,0), (1,1)."""
    return np.exp(state.log_unary), np.exp(state.log_pairwise).reshape(-1, 4)
