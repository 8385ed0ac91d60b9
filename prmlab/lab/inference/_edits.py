"""Drawing the graph of the graph mode (a pairwise MRF) or of the Bayesian-network mode (a
DAG): nodes added where the user clicks, edges or arrows, nodes moved, nodes and edges
removed, and the query's X, Y and evidence picked by clicking. Each edit returns a new State
(the State shown is never changed) or raises ``ValueError`` saying what is wrong and what to
do; the edit acts on the graph of ``state.mode``."""

from __future__ import annotations

import string

import numpy as np

from prmlab.engine import pgm
from prmlab.lab.inference._state import MAX_NODES, State

ROLES = ("x", "y", "z")  # what a click on a node of the network makes it: X, Y, observed
_AGREE = np.array([[0.8, -0.8], [-0.8, 0.8]])  # a new edge: the presets' neighbours agree


def _graph_of(state: State) -> tuple[np.ndarray, np.ndarray]:
    """The node positions and edges the edit acts on."""
    if state.mode == "graph":
        return state.node_xy, state.edges
    if state.mode == "bayes":
        return state.dag_xy, state.dag_edges
    raise ValueError(
        f"graph edits act on the graph or Bayesian-network mode, the State is in {state.mode!r}; "
        "switch the mode first"
    )


def _name(state: State, node: int) -> str:
    return state.dag_names[node] if state.mode == "bayes" else f"node {node}"


def _check_node(state: State, node: int, what: str = "node") -> int:
    n = len(_graph_of(state)[0])
    if not 0 <= node < n:
        raise ValueError(f"{what} must be a node 0..{n - 1}, got {node}")
    return int(node)


def _check_xy(xy) -> np.ndarray:
    point = np.asarray(xy, dtype=float).reshape(-1)
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"xy must be a finite point (x, y), got {xy!r}")
    return point


def _with_edges(state: State, edges: np.ndarray, **changes) -> State:
    """``state`` with the mode's graph edited. BP keeps the sweeps it had done (on the new
    graph a sweep sends 2 messages per edge), so the picture answers the edit at once."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if state.mode == "bayes":
        return state.replace(network="Edited", dag_edges=edges, **changes)
    sweeps_done = state.position // max(1, state.n_messages)
    return state.replace(
        graph="Edited", edges=edges, position=sweeps_done * 2 * len(edges), **changes
    )


def _free_name(names: tuple[str, ...]) -> str:
    return next(c for c in string.ascii_uppercase + string.ascii_lowercase if c not in names)


def add_node(state: State, xy, join: int | None = None) -> State:
    """``state`` with a new node at ``xy`` (neutral potential ψ = 1), joined to ``join``
    when given (a Bayesian network: a child of ``join``, named by the first free letter)."""
    node_xy, edges = _graph_of(state)
    n = len(node_xy)
    if n >= MAX_NODES:
        raise ValueError(
            f"the graph has {n} nodes, the most this panel draws: exact enumeration (the "
            f"reference, 2^n states) stays instant up to {MAX_NODES}; remove a node first"
        )
    point = _check_xy(xy)
    if join is not None:
        _check_node(state, join, "join")
    new_edges = edges if join is None else np.vstack([edges, [join, n]])
    if state.mode == "bayes":
        names = state.dag_names
        return _with_edges(
            state,
            new_edges,
            dag_xy=np.vstack([node_xy, point]),
            dag_names=(*names, _free_name(names)),
        )
    pairwise = (
        state.log_pairwise if join is None else np.concatenate([state.log_pairwise, _AGREE[None]])
    )
    return _with_edges(
        state,
        new_edges,
        node_xy=np.vstack([node_xy, point]),
        log_unary=np.vstack([state.log_unary, np.zeros(2)]),
        log_pairwise=pairwise,
    )


def add_edge(state: State, u: int, v: int) -> State:
    """``state`` with the edge u – v (a Bayesian network: the arrow u → v, refused when it
    closes a directed cycle); self-loops and edges drawn twice are refused, saying why."""
    node_xy, edges = _graph_of(state)
    u, v = _check_node(state, u, "u"), _check_node(state, v, "v")
    a, b = _name(state, u), _name(state, v)
    directed = state.mode == "bayes"
    if u == v:
        kind = "an arrow" if directed else "an edge"
        raise ValueError(f"{kind} joins two different nodes, got {a} twice; pick another node")
    pairs = edges.tolist()
    if [u, v] in pairs or (not directed and [v, u] in pairs):
        raise ValueError(
            f"{a} → {b} is already drawn"
            if directed
            else f"{a} and {b} are already joined; edit the edge's potential in the table instead"
        )
    if directed and [v, u] in pairs:
        raise ValueError(
            f"{b} → {a} is already drawn, so {a} → {b} would make a directed cycle; remove "
            "that arrow first to reverse it"
        )
    new_edges = np.vstack([edges, [u, v]]).astype(np.int64)
    if directed:
        try:
            pgm.moralize(new_edges)  # the engine's DAG check
        except ValueError as exc:
            if "cycle" not in str(exc):
                raise
            raise ValueError(
                f"the arrow {a} → {b} would close a directed cycle ({b} already leads to {a}); "
                "a Bayesian network has none: draw the arrow the other way, or remove an arrow "
                "of the cycle first"
            ) from None
        return _with_edges(state, new_edges)
    pairwise = np.concatenate([state.log_pairwise, _AGREE[None]])
    pgm.PairwiseMRF(state.log_unary, new_edges, pairwise)  # the engine checks the model
    return _with_edges(state, new_edges, log_pairwise=pairwise)


def move_node(state: State, node: int, xy) -> State:
    """``state`` with ``node`` drawn at ``xy``: the model, its preset's name and the step
    are kept (only the picture changes)."""
    node = _check_node(state, node)
    field = "dag_xy" if state.mode == "bayes" else "node_xy"
    moved = getattr(state, field).copy()
    moved[node] = _check_xy(xy)
    return state.replace(**{field: moved})


def _renumbered(edges: np.ndarray, keep: np.ndarray, node: int) -> np.ndarray:
    kept = edges[keep]
    return np.where(kept > node, kept - 1, kept)


def remove_node(state: State, node: int) -> State:
    """``state`` without ``node`` and its edges (the nodes after it renumbered); a removed
    X or Y passes to another node."""
    node_xy, edges = _graph_of(state)
    node, n = _check_node(state, node), len(node_xy)
    if n <= 2:
        need = "X and Y" if state.mode == "bayes" else "an edge between them"
        raise ValueError(
            f"the graph needs at least 2 nodes ({need}), it has {n}; add a node first or "
            "load a preset to start again"
        )
    keep = ~np.any(edges == node, axis=1)
    if state.mode == "bayes":
        return _with_edges(
            _query_without(state, node),
            _renumbered(edges, keep, node),
            dag_xy=np.delete(node_xy, node, axis=0),
            dag_names=tuple(s for i, s in enumerate(state.dag_names) if i != node),
        )
    if not keep.any():
        raise ValueError(
            f"removing node {node} would leave no edge, and belief propagation needs one to "
            "send messages; join two other nodes first"
        )
    return _with_edges(
        state,
        _renumbered(edges, keep, node),
        node_xy=np.delete(node_xy, node, axis=0),
        log_unary=np.delete(state.log_unary, node, axis=0),
        log_pairwise=state.log_pairwise[keep],
    )


def _query_without(state: State, node: int) -> State:
    """The query of ``state`` once ``node`` is gone: renumbered, and X or Y, if removed,
    passed to the first node that is neither the other nor observed (else unobserved)."""
    n = len(state.dag_xy)
    x, y = state.x, state.y
    evidence = [i for i in state.evidence if i != node]
    if node in (x, y):
        other = y if node == x else x
        free = [i for i in range(n) if i not in (node, other) and i not in evidence]
        new = free[0] if free else next(i for i in range(n) if i not in (node, other))
        evidence = [i for i in evidence if i != new]
        x, y = (new, y) if node == x else (x, new)
    x, y, *evidence = (i - 1 if i > node else i for i in (x, y, *evidence))
    return state.replace(x=x, y=y, evidence=tuple(evidence))


def remove_edge(state: State, edge: int) -> State:
    """``state`` without the edge (or arrow) at row ``edge``; the graph mode keeps one."""
    _node_xy, edges = _graph_of(state)
    if not 0 <= edge < len(edges):
        raise ValueError(f"edge must be 0..{len(edges) - 1}, got {edge}")
    keep = np.arange(len(edges)) != edge
    if state.mode == "bayes":
        return _with_edges(state, edges[keep])
    if len(edges) <= 1:
        raise ValueError(
            "the graph needs at least one edge for belief propagation to send messages; "
            "draw another edge first"
        )
    return _with_edges(state, edges[keep], log_pairwise=state.log_pairwise[keep])


def set_role(state: State, node: int, role: str) -> State:
    """The network's query with ``node`` as X (``role`` "x"), as Y ("y"; X and Y swap when
    it was the other) or observed / no longer observed ("z")."""
    if state.mode != "bayes":
        raise ValueError(
            f"X, Y and the evidence belong to the Bayesian network, not {state.mode!r}"
        )
    node = _check_node(state, node)
    name = state.dag_names[node]
    x, y, evidence = state.x, state.y, set(state.evidence)
    if role == "z":
        if node in (x, y):
            raise ValueError(
                f"{name} is {'X' if node == x else 'Y'}, and X and Y are never observed; make "
                "another node X or Y first"
            )
        evidence ^= {node}
    elif role in ("x", "y"):
        evidence.discard(node)  # what the click asks: X and Y are not observed
        if role == "x":
            x, y = node, (x if node == y else y)
        else:
            x, y = (y if node == x else x), node
    else:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return state.replace(x=x, y=y, evidence=tuple(sorted(evidence)))
