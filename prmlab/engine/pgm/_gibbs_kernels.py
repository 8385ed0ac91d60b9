"""Numba kernels of Gibbs sampling (PRML §11.3): colour class by colour class, each class
split into ``N_CHUNKS`` fixed chunks, chunk ``c`` drawing from stream ``c`` (xoshiro256++),
so a seed gives the same samples on any number of threads.

The general kernel walks each node's neighbours through the adjacency arrays; the grid kernel
(binary states, one shared table, as :func:`ising_grid` makes) finds them by index arithmetic,
visits a checkerboard row by row (chunk ``c``: a fixed band of rows) and needs no ``exp`` per
draw.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from prmlab.engine._jit import jit
from prmlab.engine._normal_stream import uniform
from prmlab.engine._parallel import N_CHUNKS, chunk_range
from prmlab.engine.pgm._dispatch import KernelPair


@jit(inline="always")
def _draw_binary(log_odds, stream):
    """1 with probability σ(log_odds), else 0."""
    return 1 if uniform(stream) * (1.0 + math.exp(-log_odds)) < 1.0 else 0


@jit(inline="always")
def _gibbs_node(i, log_unary, logpot, indptr, incoming, neighbour, x, a, stream):
    """Draw xᵢ from p(xᵢ | x₋ᵢ) ∝ exp(θᵢ(xᵢ) + Σ_j θᵢⱼ(xᵢ, x_j))."""
    k = log_unary.shape[1]
    shared = logpot.shape[0] == 1
    for v in range(k):
        a[v] = log_unary[i, v]
    for s in range(indptr[i], indptr[i + 1]):
        d = incoming[s]
        t = 0 if shared else d >> 1
        xj = x[neighbour[s]]
        if d & 1:  # i is the edge's first end
            for v in range(k):
                a[v] += logpot[t, v, xj]
        else:
            for v in range(k):
                a[v] += logpot[t, xj, v]
    if k == 2:
        x[i] = _draw_binary(a[1] - a[0], stream)
        return
    hi = a.max()
    total = 0.0
    for v in range(k):
        a[v] = math.exp(a[v] - hi)
        total += a[v]
    target = uniform(stream) * total
    v = 0
    while v < k - 1 and target >= a[v]:
        target -= a[v]
        v += 1
    x[i] = v


@jit(inline="always")
def _record(x, record, samples, at):
    if samples.shape[0]:
        for m in range(record.shape[0]):
            samples[at, m] = x[record[m]]


@jit(inline="always")
def _general_sweeps(args):
    (
        log_unary,
        logpot,
        indptr,
        neighbour,
        incoming,
        colour_start,
        colour_nodes,
        x,
        streams,
        n_sweeps,
        counts,
        record,
        samples,
        row,
    ) = args
    k = log_unary.shape[1]
    keep = counts.shape[0] > 0
    for sweep in range(n_sweeps):
        for col in range(colour_start.shape[0] - 1):
            first = colour_start[col]
            size = colour_start[col + 1] - first
            for c in prange(N_CHUNKS):
                lo, hi = chunk_range(size, c, N_CHUNKS)
                a = np.empty(k)
                stream = streams[c]
                for r in range(first + lo, first + hi):
                    i = colour_nodes[r]
                    _gibbs_node(i, log_unary, logpot, indptr, incoming, neighbour, x, a, stream)
                    if keep:
                        counts[i, x[i]] += 1
        _record(x, record, samples, row + sweep)


@jit(parallel=True)
def _general_parallel(args):
    _general_sweeps(args)


@jit
def _general_serial(args):
    _general_sweeps(args)


gibbs_sweeps = KernelPair(_general_parallel, _general_serial)
"""``(work, log_unary, logpot, indptr, neighbour, incoming, colour_start, colour_nodes, x,
streams, n_sweeps, counts, record, samples, row)``: ``n_sweeps`` sweeps updating ``x (n,)``
in place; ``counts (n, k)`` gains one per node and sweep when it has rows;
``samples[row + s] = x[record]`` after sweep s when it has rows."""


@jit(inline="always")
def _grid_sweeps(args):
    (
        odds_factor,
        height,
        width,
        first_factor,
        second_factor,
        x,
        streams,
        n_sweeps,
        ones,
        record,
        samples,
        row,
    ) = args
    keep = ones.shape[0] > 0
    for sweep in range(n_sweeps):
        for col in range(2):  # node (r, c) has colour (r + c) % 2, as the greedy colouring
            for c in prange(N_CHUNKS):
                r0, r1 = chunk_range(height, c, N_CHUNKS)
                stream = streams[c]
                for r in range(r0, r1):
                    base = r * width
                    for cc in range((r + col) & 1, width, 2):
                        i = base + cc
                        # exp(−log-odds) as a product of per-term factors: no exp per draw
                        f = odds_factor[i]
                        if cc > 0:
                            f *= second_factor[x[i - 1]]
                        if cc < width - 1:
                            f *= first_factor[x[i + 1]]
                        if r > 0:
                            f *= second_factor[x[i - width]]
                        if r < height - 1:
                            f *= first_factor[x[i + width]]
                        state = 1 if uniform(stream) * (1.0 + f) < 1.0 else 0
                        x[i] = state
                        if keep:  # one count per node: a (n, 2) table costs a third more
                            ones[i] += state
        _record(x, record, samples, row + sweep)


@jit(parallel=True)
def _grid_parallel(args):
    _grid_sweeps(args)


@jit
def _grid_serial(args):
    _grid_sweeps(args)


grid_sweeps = KernelPair(_grid_parallel, _grid_serial)
"""``(work, odds_factor (n,), height, width, first_factor (2,), second_factor (2,), x, streams,
n_sweeps, ones, record, samples, row)``: as :data:`gibbs_sweeps` on a binary grid, counting
per node the sweeps in state 1 in ``ones (n,)`` (when it has rows), with
p(xᵢ = 1 | rest) = 1 / (1 + F), F = exp(−(θᵢ(1) − θᵢ(0))) (``odds_factor``) times, per
neighbour in state s, ``first_factor[s] = exp(−(θ(1, s) − θ(0, s)))`` when the node is its
edge's first end (the neighbour right or below), else ``second_factor[s] = exp(−(θ(s, 1) −
θ(s, 0)))``. The caller keeps F within float range (|log F| < 700)."""
