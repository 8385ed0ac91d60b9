"""Bayesian-network structure: d-separation by Bayes-ball (PRML §8.2) and moralisation
(PRML §8.3.4).

A DAG is given by its ``edges (n_edges, 2)``, parent → child; nodes are whole numbers >= 0
(a node in no edge is isolated).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from prmlab.engine.pgm._model import check_edges


def _find_cycle(n: int, parents: list[list[int]], children: list[list[int]]) -> list[int]:
    """A directed cycle among the nodes Kahn's sort could not place."""
    indegree = [len(p) for p in parents]
    queue = deque(i for i in range(n) if indegree[i] == 0)
    while queue:
        i = queue.popleft()
        for c in children[i]:
            indegree[c] -= 1
            if indegree[c] == 0:
                queue.append(c)
    stuck = [i for i in range(n) if indegree[i] > 0]
    if not stuck:
        return []
    # every stuck node has a stuck parent: walk back until a node repeats
    seen: dict[int, int] = {}
    path: list[int] = []
    i = stuck[0]
    while i not in seen:
        seen[i] = len(path)
        path.append(i)
        i = next(p for p in parents[i] if indegree[p] > 0)
    cycle = path[seen[i] :]
    return cycle[::-1] + [cycle[-1]]


@dataclass(frozen=True)
class _Dag:
    n_nodes: int
    edges: np.ndarray
    parents: list[list[int]]
    children: list[list[int]]


def _check_dag(edges: Any, extra_nodes: int = 0) -> _Dag:
    arr = check_edges(edges, None, "edges")
    n = max(int(arr.max(initial=-1)) + 1, extra_nodes)
    parents: list[list[int]] = [[] for _ in range(n)]
    children: list[list[int]] = [[] for _ in range(n)]
    for u, v in arr.tolist():
        parents[v].append(u)
        children[u].append(v)
    cycle = _find_cycle(n, parents, children)
    if cycle:
        trail = " → ".join(str(i) for i in cycle)
        raise ValueError(
            f"edges must form a DAG (no directed cycle), got the cycle {trail}; a Bayesian "
            "network's arrows run from parents to children: reverse or remove one of them"
        )
    return _Dag(n, arr, parents, children)


def _node_set(nodes: Any, name: str, allow_empty: bool) -> set[int]:
    arr = np.atleast_1d(np.asarray(list(nodes) if isinstance(nodes, (set, frozenset)) else nodes))
    if arr.size == 0:
        if allow_empty:
            return set()
        raise ValueError(f"{name} is empty; pass at least one node index")
    if arr.ndim != 1 or arr.dtype.kind not in "iu" or (arr < 0).any():
        raise ValueError(
            f"{name} must be a node index or a list of them (whole numbers >= 0), got {nodes!r}"
        )
    return {int(i) for i in arr}


@dataclass(frozen=True, eq=False)
class BayesBall:
    """What the Bayes ball reaches from ``xs`` given ``given`` (PRML §8.2.2).

    ``reachable``: sorted nodes joined to ``xs`` by an active trail (observed nodes and
    ``xs`` excluded); ``active_edges (n_edges,)`` bool: the edges those trails use.
    """

    reachable: np.ndarray
    active_edges: np.ndarray


def _queries(edges: Any, xs: Any, given: Any, ys: Any = ()) -> tuple[_Dag, set, set, set]:
    x = _node_set(xs, "xs", allow_empty=False)
    y = _node_set(ys, "ys", allow_empty=True)
    z = _node_set(given, "given", allow_empty=True)
    for a, b, (na, nb) in ((x, y, ("xs", "ys")), (x, z, ("xs", "given")), (y, z, ("ys", "given"))):
        if a & b:
            raise ValueError(
                f"{na} and {nb} must be disjoint, but both hold {sorted(a & b)}; a node "
                "cannot be both queried and observed, or on both sides"
            )
    dag = _check_dag(edges, max(x | y | z) + 1)
    return dag, x, y, z


def bayes_ball(edges: Any, xs: Any, given: Any = ()) -> BayesBall:
    """The nodes and edges reachable from ``xs`` along active trails given ``given``.

    A trail is blocked at a node where arrows meet head-to-tail or tail-to-tail and the node
    is observed, or head-to-head and neither the node nor any descendant is observed.
    """
    dag, x, _, z = _queries(edges, xs, given)
    ancestors_of_z = set(z)  # an observed descendant unblocks a head-to-head node
    stack = list(z)
    while stack:
        for p in dag.parents[stack.pop()]:
            if p not in ancestors_of_z:
                ancestors_of_z.add(p)
                stack.append(p)
    edge_index = {(u, v): e for e, (u, v) in enumerate(dag.edges.tolist())}
    active = np.zeros(len(dag.edges), dtype=bool)
    reached: set[int] = set()
    # (node, came from a child "up" / from a parent "down")
    queue = deque((i, "up") for i in x)
    visited: set[tuple[int, str]] = set()
    while queue:
        node, way = queue.popleft()
        if (node, way) in visited:
            continue
        visited.add((node, way))
        if node not in z:
            reached.add(node)
        go_up = (way == "up" and node not in z) or (way == "down" and node in ancestors_of_z)
        go_down = node not in z
        if go_up:
            for p in dag.parents[node]:
                active[edge_index[(p, node)]] = True
                queue.append((p, "up"))
        if go_down:
            for c in dag.children[node]:
                active[edge_index[(node, c)]] = True
                queue.append((c, "down"))
    return BayesBall(np.array(sorted(reached - x), dtype=np.int64), active)


def d_separated(edges: Any, xs: Any, ys: Any, given: Any = ()) -> bool:
    """Whether ``xs`` ⊥ ``ys`` | ``given`` holds in every distribution of the DAG: no
    active trail joins a node of ``xs`` to one of ``ys`` (PRML §8.2). ``xs``, ``ys``,
    ``given``: a node index or a list of them, pairwise disjoint."""
    dag, x, y, z = _queries(edges, xs, given, ys)
    if not y:
        raise ValueError("ys is empty; pass at least one node index")
    reached = bayes_ball(dag.edges, sorted(x), sorted(z)).reachable
    return not (set(reached.tolist()) & y)


def moralize(edges: Any) -> np.ndarray:
    """The moral graph of a DAG (PRML §8.3.4): its edges undirected plus an edge between
    every two parents of a child ("marrying" them). Returns ``(n_undirected, 2)`` pairs
    ``u < v``, sorted."""
    dag = _check_dag(edges)
    pairs = {(min(u, v), max(u, v)) for u, v in dag.edges.tolist()}
    for parents in dag.parents:
        for a in range(len(parents)):
            for b in range(a + 1, len(parents)):
                pairs.add((min(parents[a], parents[b]), max(parents[a], parents[b])))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
