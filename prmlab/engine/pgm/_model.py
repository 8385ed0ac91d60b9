"""Pairwise Markov random fields (PRML §8.3) and the Ising grid of binary image denoising.

A model over ``n_nodes`` discrete variables with ``n_states`` states each:

    p(x) = exp(Σᵢ θᵢ(xᵢ) + Σ₍ᵤ,ᵥ₎ θₑ(x_u, x_v)) / Z,

``θᵢ = log_unary[i]`` and ``θₑ = log_pairwise[e]`` (log potentials, so ψ = exp θ). The
structures every algorithm walks (a node's neighbours, a colouring whose classes hold no edge)
are built once per model and cached.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from prmlab.engine._validation import check_array, check_scalar
from prmlab.engine.pgm._kernels import greedy_colouring


class Adjacency(NamedTuple):
    """A node's slots ``indptr[i]:indptr[i + 1]``; per slot the neighbour, the edge, and the
    directed message arriving over it (message ``2e`` runs ``edges[e, 0] → edges[e, 1]``,
    ``2e + 1`` back; the reverse of message ``d`` is ``d ^ 1``)."""

    indptr: np.ndarray  # (n_nodes + 1,) int64
    neighbour: np.ndarray  # (2 n_edges,) int64
    incoming: np.ndarray  # (2 n_edges,) int64: the message neighbour → node


class Colouring(NamedTuple):
    """Nodes grouped so that no edge joins two nodes of one group: group ``c`` is
    ``nodes[start[c]:start[c + 1]]`` (a checkerboard on a grid)."""

    start: np.ndarray  # (n_colours + 1,) int64
    nodes: np.ndarray  # (n_nodes,) int64


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def check_edges(edges: Any, n_nodes: int | None, name: str = "edges") -> np.ndarray:
    """``edges`` as an ``(n_edges, 2)`` int64 array of node indices, or a ValueError: whole
    numbers, in ``0..n_nodes - 1`` (``None``: any ``>= 0``), no self-loops, no edge twice."""
    raw = np.asarray(edges) if edges is not None else None
    if raw is None:
        raise ValueError(f"{name} is None; pass an (n_edges, 2) array of node indices")
    if raw.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    arr = check_array(raw, name, ndim=2)
    if arr.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n_edges, 2), one (u, v) pair of node indices a row, got "
            f"shape {arr.shape}"
        )
    if not np.all(arr == np.round(arr)):
        row = int(np.argwhere(arr != np.round(arr))[0, 0])
        raise ValueError(
            f"{name} must hold whole node indices, got {tuple(arr[row].tolist())} in row {row}; "
            "pass integers"
        )
    ints = arr.astype(np.int64)
    high = "" if n_nodes is None else f"..{n_nodes - 1}"
    bad = (ints < 0) | (ints >= n_nodes if n_nodes is not None else False)
    if bad.any():
        row = int(np.argwhere(bad)[0, 0])
        raise ValueError(
            f"{name}[{row}] = {tuple(ints[row].tolist())} is out of range: node indices run "
            f"0{high} ({n_nodes} nodes, the rows of log_unary); fix or drop that edge"
            if n_nodes is not None
            else f"{name}[{row}] = {tuple(ints[row].tolist())} has a negative node index; "
            "node indices are >= 0"
        )
    loops = ints[:, 0] == ints[:, 1]
    if loops.any():
        row = int(np.argmax(loops))
        raise ValueError(
            f"{name}[{row}] = {tuple(ints[row].tolist())} is a self-loop; an edge joins two "
            "different nodes: drop it (a node's own potential goes in log_unary)"
        )
    key = np.sort(ints, axis=1)
    _, first, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        pair = key[first[np.argmax(counts > 1)]]
        rows = np.flatnonzero((key == pair).all(axis=1))
        raise ValueError(
            f"{name} holds the pair {tuple(pair.tolist())} more than once (rows "
            f"{rows.tolist()}, in either direction); keep one edge and add their log "
            "potentials into it"
        )
    return ints


class PairwiseMRF:
    """A pairwise Markov random field over discrete variables (PRML §8.3).

    p(x) ∝ exp(Σᵢ log_unary[i, xᵢ] + Σₑ log_pairwise[e, x_u, x_v]) for edges e = (u, v).

    Parameters
    ----------
    log_unary : (n_nodes, n_states) finite log potentials θᵢ(xᵢ).
    edges : (n_edges, 2) node indices (u, v); each pair at most once, no self-loops.
    log_pairwise : (n_edges, n_states, n_states) finite log potentials θₑ(x_u, x_v), or one
        ``(n_states, n_states)`` table shared by every edge.

    Attributes ``log_unary``, ``edges`` and ``log_pairwise`` are read-only arrays;
    ``grid_shape`` is ``(height, width)`` for a model made by :func:`ising_grid`, else None.
    """

    def __init__(self, log_unary: Any, edges: Any, log_pairwise: Any) -> None:
        unary = check_array(log_unary, "log_unary", ndim=2)
        n_nodes, n_states = unary.shape
        if n_states < 2:
            raise ValueError(
                f"log_unary must have one column per state and at least 2 states, got shape "
                f"{unary.shape}; a variable with one state carries no information"
            )
        edge_array = check_edges(edges, n_nodes)
        pairwise = check_array(log_pairwise, "log_pairwise", ndim=(2, 3))
        k = n_states
        if pairwise.shape not in ((k, k), (len(edge_array), k, k)):
            raise ValueError(
                f"log_pairwise must have shape ({len(edge_array)}, {k}, {k}) (one table per "
                f"edge) or ({k}, {k}) (one table shared by all edges), got {pairwise.shape}; "
                f"n_states = {k} comes from log_unary's columns"
            )
        self.log_unary = _frozen(unary.copy())
        self.edges = _frozen(edge_array)
        self.log_pairwise = _frozen(pairwise.copy())
        self.grid_shape: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return (
            f"PairwiseMRF(n_nodes={self.n_nodes}, n_states={self.n_states}, "
            f"n_edges={self.n_edges}, shared_pairwise={self.shared_pairwise})"
        )

    @property
    def n_nodes(self) -> int:
        return self.log_unary.shape[0]

    @property
    def n_states(self) -> int:
        return self.log_unary.shape[1]

    @property
    def n_edges(self) -> int:
        return self.edges.shape[0]

    @property
    def shared_pairwise(self) -> bool:
        """Whether one ``(n_states, n_states)`` table serves every edge."""
        return self.log_pairwise.ndim == 2

    @cached_property
    def potentials(self) -> np.ndarray:
        """``(n_tables, n_states, n_states)``: edge e uses table ``e`` (or 0 when shared)."""
        return _frozen(
            np.ascontiguousarray(self.log_pairwise.reshape(-1, self.n_states, self.n_states))
        )

    def pairwise(self, e: int) -> np.ndarray:
        """The ``(n_states, n_states)`` log potential θₑ(x_u, x_v) of edge ``e``."""
        return self.log_pairwise if self.shared_pairwise else self.log_pairwise[e]

    def log_score(self, x: Any) -> np.ndarray | float:
        """log p̃(x) = Σᵢ θᵢ(xᵢ) + Σₑ θₑ(x_u, x_v), the unnormalised log probability.

        ``x``: ``(n_nodes,)`` states, or ``(n_configs, n_nodes)``; returns a float or
        ``(n_configs,)``. The energy is ``-log_score``.
        """
        xs = np.asarray(x)
        if xs.shape[-1:] != (self.n_nodes,) or xs.ndim > 2:
            raise ValueError(
                f"x must have shape (n_nodes,) = ({self.n_nodes},) or (n_configs, "
                f"{self.n_nodes}), got {xs.shape}"
            )
        if xs.dtype.kind not in "iub" or (xs < 0).any() or (xs >= self.n_states).any():
            raise ValueError(f"x must hold whole states in 0..{self.n_states - 1}")
        batch = np.atleast_2d(xs)
        score = self.log_unary[np.arange(self.n_nodes), batch].sum(axis=1)
        if self.n_edges:
            u, v = batch[:, self.edges[:, 0]], batch[:, self.edges[:, 1]]
            table = 0 if self.shared_pairwise else np.arange(self.n_edges)
            score = score + self.potentials[table, u, v].sum(axis=1)
        return float(score[0]) if xs.ndim == 1 else score

    @cached_property
    def adjacency(self) -> Adjacency:
        """Each node's neighbours and incoming messages (see :class:`Adjacency`)."""
        n, E = self.n_nodes, self.n_edges
        ends = self.edges.T.ravel()  # node of each endpoint: all u, then all v
        others = self.edges[:, ::-1].T.ravel()
        # endpoint u of edge e receives message 2e + 1 (v → u); endpoint v receives 2e
        arriving = np.concatenate([2 * np.arange(E) + 1, 2 * np.arange(E)])
        order = np.argsort(ends, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
        return Adjacency(
            _frozen(indptr),
            _frozen(others[order].astype(np.int64)),
            _frozen(arriving[order].astype(np.int64)),
        )

    @cached_property
    def degree(self) -> np.ndarray:
        """``(n_nodes,)`` number of edges at each node."""
        return _frozen(np.diff(self.adjacency.indptr))

    @cached_property
    def colouring(self) -> Colouring:
        """A greedy colouring in node order (2 colours, a checkerboard, on a grid)."""
        adj = self.adjacency
        colour = greedy_colouring(adj.indptr, adj.neighbour)
        order = np.argsort(colour, kind="stable").astype(np.int64)
        start = np.zeros(int(colour.max(initial=-1)) + 2, dtype=np.int64)
        np.cumsum(np.bincount(colour), out=start[1:])
        return Colouring(_frozen(start), _frozen(order))

    @cached_property
    def is_tree(self) -> bool:
        """Whether the graph has no cycle (a tree or a forest): BP is then exact."""
        if self.n_edges >= self.n_nodes:
            return False
        parent = np.arange(self.n_nodes)

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for u, v in self.edges:
            ru, rv = root(u), root(v)
            if ru == rv:
                return False
            parent[ru] = rv
        return True


def check_model(mrf: object, name: str = "mrf") -> PairwiseMRF:
    """``mrf`` if it is a :class:`PairwiseMRF`, else a ValueError saying how to make one."""
    if not isinstance(mrf, PairwiseMRF):
        raise ValueError(
            f"{name} must be a PairwiseMRF, got {type(mrf).__name__}; build one with "
            "PairwiseMRF(log_unary, edges, log_pairwise) or ising_grid(...)"
        )
    return mrf


def ising_grid(height: int, width: int, coupling: float, field: Any = 0.0) -> PairwiseMRF:
    """A binary Ising model on a 4-connected ``height × width`` grid (PRML §8.3.3).

    Node ``i = row * width + col``, states {0, 1} standing for spins −1, +1; edges run
    right then down. ``log_pairwise = [[β, −β], [−β, β]]`` (β = ``coupling``: > 0 makes
    neighbours agree), ``log_unary[i] = [−hᵢ, +hᵢ]`` with ``field`` h a scalar or
    ``(height, width)`` (denoising: h = η · noisy image in ±1). Energy −log p̃.
    """
    height = check_scalar(height, "height", integer=True, ge=1)
    width = check_scalar(width, "width", integer=True, ge=1)
    beta = check_scalar(coupling, "coupling")
    if np.ndim(field) == 0:
        h = np.full((height, width), check_scalar(field, "field"))
    else:
        h = check_array(field, "field", ndim=2)
    if h.shape != (height, width):
        raise ValueError(
            f"field must be a number or have shape (height, width) = ({height}, {width}), got "
            f"{h.shape}; resize the image or pass its shape as height and width"
        )
    index = np.arange(height * width).reshape(height, width)
    right = np.stack([index[:, :-1].ravel(), index[:, 1:].ravel()], axis=1)
    down = np.stack([index[:-1, :].ravel(), index[1:, :].ravel()], axis=1)
    flat = h.ravel()
    mrf = PairwiseMRF(
        np.stack([-flat, flat], axis=1),
        np.concatenate([right, down]).reshape(-1, 2),
        np.array([[beta, -beta], [-beta, beta]]),
    )
    mrf.grid_shape = (height, width)
    return mrf
