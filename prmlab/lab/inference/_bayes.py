"""Bayesian-network mode: d-separation of X and Y given the evidence Z, the active trails the
Bayes ball finds, and the moral graph; the DAG's edits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import MAX_NODES, State


@dataclass(frozen=True, eq=False)
class BayesResult:
    """``separated``: X ⊥ Y | Z holds; ``active_edges (m,)``: DAG edges on a trail active
    from X; ``reachable``: nodes reached from X; ``moral_edges (k, 2)`` the moral graph,
    ``married (k,)`` its edges between parents that the DAG lacks."""

    separated: bool
    active_edges: np.ndarray
    reachable: np.ndarray
    moral_edges: np.ndarray
    married: np.ndarray
    statement: str


def bayes(state: State) -> BayesResult:
    """The d-separation answer for ``state``'s query (the engine's Bayes ball)."""
    ball = pgm.bayes_ball(state.dag_edges, [state.x], list(state.evidence))
    separated = pgm.d_separated(state.dag_edges, [state.x], [state.y], list(state.evidence))
    moral = pgm.moralize(state.dag_edges)
    undirected = {(min(u, v), max(u, v)) for u, v in state.dag_edges.tolist()}
    married = np.array([(u, v) not in undirected for u, v in moral.tolist()], dtype=bool)
    names = state.dag_names
    given = ", ".join(names[i] for i in state.evidence) or "∅"
    sign = "⊥" if separated else "⊥̸"
    statement = f"{names[state.x]} {sign} {names[state.y]} | {given}"
    return BayesResult(separated, ball.active_edges, ball.reachable, moral, married, statement)


def add_dag_node(state: State, parent: int) -> State:
    """``state`` with a new node, a child of ``parent``."""
    n = len(state.dag_xy)
    if n >= MAX_NODES:
        raise ValueError(f"the network has {n} nodes, at most {MAX_NODES}; remove one first")
    if not 0 <= parent < n:
        raise ValueError(f"parent must be a node 0..{n - 1}, got {parent}")
    xy = state.dag_xy[parent] + np.array([0.6 * ((n % 3) - 1), -1.0])
    return state.replace(
        network="Edited",
        dag_xy=np.vstack([state.dag_xy, xy]),
        dag_edges=np.vstack([state.dag_edges, [parent, n]]).astype(np.int64),
        dag_names=(*state.dag_names, f"N{n}"),
    )


def add_dag_edge(state: State, parent: int, child: int) -> State:
    """``state`` with the arrow parent → child (the engine refuses cycles, self-loops and
    duplicates, saying why)."""
    edges = np.vstack([state.dag_edges, [parent, child]]).astype(np.int64)
    pgm.moralize(edges)  # checks the DAG
    if max(parent, child) >= len(state.dag_xy):
        raise ValueError(f"nodes must be 0..{len(state.dag_xy) - 1}, got {parent} → {child}")
    return state.replace(network="Edited", dag_edges=edges)


def set_query(state: State, x: int, y: int, evidence: tuple[int, ...]) -> State:
    """``state`` asking whether X ⊥ Y | evidence (X, Y not observed, X ≠ Y)."""
    n = len(state.dag_xy)
    if x == y:
        raise ValueError(f"X and Y must be different nodes, both are {state.dag_names[x]}")
    if x in evidence or y in evidence:
        raise ValueError("X and Y must not be observed; untick them in the evidence")
    if not all(0 <= i < n for i in (x, y, *evidence)):
        raise ValueError(f"nodes must be 0..{n - 1}")
    return state.replace(x=int(x), y=int(y), evidence=tuple(sorted(int(i) for i in evidence)))
