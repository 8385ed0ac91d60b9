"""Bayesian-network mode: d-separation of X and Y given the evidence Z, the active trails the
Bayes ball finds, and the moral graph; the query's check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import State


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
