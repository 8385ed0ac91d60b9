"""Numba kernels of the pgm engine besides belief propagation: graph colouring, mean field,
Gibbs sampling and exact enumeration.

Mean field and Gibbs update one colour class at a time (no edge inside a class, so its nodes'
updates are independent given the rest: a checkerboard on a grid), the class split into
``N_CHUNKS`` fixed chunks. Gibbs draws chunk ``c``'s numbers from stream ``c``, so a seed
gives the same samples on any number of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from prmlab.engine._jit import jit
from prmlab.engine._parallel import N_CHUNKS, chunk_range
from prmlab.engine.pgm._dispatch import KernelPair


@jit
def greedy_colouring(indptr, neighbour):
    """``(n,)`` colours: each node, in order, takes the smallest colour no earlier neighbour
    has (at most max degree + 1 colours)."""
    n = indptr.shape[0] - 1
    colour = np.full(n, -1, dtype=np.int64)
    taken = np.full(n + 1, -1, dtype=np.int64)  # taken[c] == i: colour c is used next to i
    for i in range(n):
        for s in range(indptr[i], indptr[i + 1]):
            j = neighbour[s]
            if colour[j] >= 0:
                taken[colour[j]] = i
        c = 0
        while taken[c] == i:
            c += 1
        colour[i] = c
    return colour


@jit(inline="always")
def _mean_field_node(i, log_unary, logpot, indptr, neighbour, incoming, q, a):
    """q_i(x) ∝ exp(θᵢ(x) + Σ_j Σ_y q_j(y) θ_ij(x, y)) (PRML (10.9)); returns max |Δq_i|."""
    k = log_unary.shape[1]
    shared = logpot.shape[0] == 1
    for x in range(k):
        a[x] = log_unary[i, x]
    for s in range(indptr[i], indptr[i + 1]):
        j = neighbour[s]
        d = incoming[s]  # message j → i: 2e + 1 when i is the edge's first end
        e = d >> 1
        t = 0 if shared else e
        first = (d & 1) == 1
        for x in range(k):
            acc = 0.0
            for y in range(k):
                acc += q[j, y] * (logpot[t, x, y] if first else logpot[t, y, x])
            a[x] += acc
    hi = a.max()
    total = 0.0
    for x in range(k):
        a[x] = math.exp(a[x] - hi)
        total += a[x]
    worst = 0.0
    for x in range(k):
        new = a[x] / total
        worst = max(worst, abs(new - q[i, x]))
        q[i, x] = new
    return worst


@jit(inline="always")
def _mean_field_sweep(args):
    log_unary, logpot, indptr, neighbour, incoming, colour_start, colour_nodes, q = args
    k = log_unary.shape[1]
    change = np.zeros(N_CHUNKS)
    for col in range(colour_start.shape[0] - 1):
        first = colour_start[col]
        size = colour_start[col + 1] - first
        for c in prange(N_CHUNKS):
            lo, hi = chunk_range(size, c, N_CHUNKS)
            a = np.empty(k)
            worst = change[c]
            for r in range(first + lo, first + hi):
                worst = max(
                    worst,
                    _mean_field_node(
                        colour_nodes[r], log_unary, logpot, indptr, neighbour, incoming, q, a
                    ),
                )
            change[c] = worst
    return change.max()


@jit(parallel=True)
def _mean_field_parallel(args):
    return _mean_field_sweep(args)


@jit
def _mean_field_serial(args):
    return _mean_field_sweep(args)


mean_field_sweep = KernelPair(_mean_field_parallel, _mean_field_serial)
"""``(work, log_unary, logpot, indptr, neighbour, incoming, colour_start, colour_nodes, q)``:
one coordinate-ascent sweep, colour class by colour class, updating ``q (n, k)`` in place;
returns the largest change of any qᵢ(x)."""


@jit(inline="always")
def _elbo_parts(args):
    log_unary, edges, logpot, q = args
    n, k = log_unary.shape
    E = edges.shape[0]
    shared = logpot.shape[0] == 1
    parts = np.zeros(N_CHUNKS)
    for c in prange(N_CHUNKS):
        total = 0.0
        lo, hi = chunk_range(n, c, N_CHUNKS)
        for i in range(lo, hi):
            for x in range(k):
                if q[i, x] > 0.0:
                    total += q[i, x] * (log_unary[i, x] - math.log(q[i, x]))
        lo, hi = chunk_range(E, c, N_CHUNKS)
        for e in range(lo, hi):
            t = 0 if shared else e
            u = edges[e, 0]
            v = edges[e, 1]
            for a in range(k):
                for b in range(k):
                    total += q[u, a] * q[v, b] * logpot[t, a, b]
        parts[c] = total
    return parts  # summed by the caller: a sum here would be a parallel reduction


@jit(parallel=True)
def _elbo_parallel(args):
    return _elbo_parts(args)


@jit
def _elbo_serial(args):
    return _elbo_parts(args)


elbo_parts = KernelPair(_elbo_parallel, _elbo_serial)
"""``(work, log_unary, edges, logpot, q)``: ELBO = E_q[log p̃(x)] + H(q) = Σᵢ Σ qᵢ(θᵢ − log qᵢ)
+ Σₑ Σ q_u q_v θₑ (PRML (10.3)) as ``(N_CHUNKS,)`` partial sums over fixed chunks (Numba
would split an ``.sum()`` in the kernel by the thread count, changing the last digits)."""


@jit(inline="always")
def _next_configuration(x, k):
    """Advance ``x`` to the next configuration: add one in base k, node 0 fastest."""
    for i in range(x.shape[0]):
        x[i] += 1
        if x[i] < k:
            return
        x[i] = 0


@jit
def enumerate_configurations(log_unary, edges, logpot):
    """Every configuration's log p̃(x), in mixed-radix order (node 0 fastest): returns
    ``(log_partition, marginals (n, k), max_marginals (n, k), map (n,), log_max)``;
    max-marginals are exp(max over the rest − log_max), 1 at the MAP."""
    n, k = log_unary.shape
    E = edges.shape[0]
    shared = logpot.shape[0] == 1
    total = k**n
    score = np.empty(total)
    x = np.zeros(n, dtype=np.int64)
    best = -math.inf
    best_x = np.zeros(n, dtype=np.int64)
    max_marg = np.full((n, k), -math.inf)
    for m in range(total):
        s = 0.0
        for i in range(n):
            s += log_unary[i, x[i]]
        for e in range(E):
            s += logpot[0 if shared else e, x[edges[e, 0]], x[edges[e, 1]]]
        score[m] = s
        for i in range(n):
            max_marg[i, x[i]] = max(max_marg[i, x[i]], s)
        if s > best:
            best = s
            best_x[:] = x
        _next_configuration(x, k)
    marg = np.zeros((n, k))
    mass = 0.0
    for m in range(total):
        w = math.exp(score[m] - best)
        mass += w
        for i in range(n):
            marg[i, x[i]] += w
        _next_configuration(x, k)
    return best + math.log(mass), marg / mass, np.exp(max_marg - best), best_x, best
