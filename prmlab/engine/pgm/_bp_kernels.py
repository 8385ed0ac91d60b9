"""Numba kernels of loopy belief propagation in log space (PRML §8.4.4 sum-product, §8.4.5
max-sum).

Messages: ``(2 n_edges, n_states)`` log messages, message ``2e`` from ``edges[e, 0]`` to
``edges[e, 1]`` and ``2e + 1`` back (the reverse of ``d`` is ``d ^ 1``); normalised so that
their log-sum-exp (sum) or their max (max) is 0. Binary models under the flooding schedule
keep one number per message instead, its log-odds ``m(1) − m(0)``: the update then costs one
``exp`` and one ``log`` (sum) or none (max).

A flooding sweep is two passes over fixed chunks (``N_CHUNKS``): each node's belief from the
old messages, then every edge's two new messages from the beliefs; each message depends only
on the old ones, so the result is the same on any number of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from prmlab.engine._jit import jit
from prmlab.engine._parallel import N_CHUNKS, chunk_range
from prmlab.engine.pgm._dispatch import KernelPair


@jit(inline="always")
def _logaddexp(a, b):
    hi = max(a, b)
    return hi + math.log1p(math.exp(-abs(a - b)))


@jit(inline="always")
def _binary_message(c, ratio_c, kind_max, l00, l01, l10, l11, p00, p01, p10, p11):
    """The message to x_j as log-odds ``log Σᵢ exp(cav(xᵢ) + θ(xᵢ, 1)) − log Σᵢ exp(cav(xᵢ) +
    θ(xᵢ, 0))`` (max for max-sum) given the sender's cavity log-odds ``c``, and its odds
    ratio exp(log-odds) (sum only). ``ratio_c``: exp(c) when known (saves an exp), else < 0.
    ``lab = θ(a, b)`` oriented sender → receiver, ``pab = exp(lab − max θ)``."""
    if kind_max:
        return max(l01, c + l11) - max(l00, c + l10), 0.0
    # factor out the larger cavity term so that nothing overflows
    if ratio_c >= 0.0:
        low = ratio_c <= 1.0
        t = ratio_c if low else 1.0 / ratio_c
    else:
        low = c <= 0.0
        t = math.exp(-abs(c))
    if low:
        num = p01 + t * p11
        den = p00 + t * p10
    else:
        num = t * p01 + p11
        den = t * p00 + p10
    if num > 0.0 and den > 0.0:  # both 0 or tiny: tables beyond exp's range
        r = num / den
        if r < math.inf:
            return math.log(r), r
    d = _logaddexp(l01, c + l11) - _logaddexp(l00, c + l10)
    return d, math.exp(d)


# exp(±700) is within float64: a node's exp(belief) is kept only inside this range
_EXP_RANGE = 700.0


@jit(inline="always")
def _binary_beliefs(unary_odds, indptr, incoming, odds, belief, exp_belief, want_exp, lo, hi):
    for i in range(lo, hi):
        b = unary_odds[i]
        for s in range(indptr[i], indptr[i + 1]):
            b += odds[incoming[s]]
        belief[i] = b
        exp_belief[i] = math.exp(b) if want_exp and abs(b) < _EXP_RANGE else -1.0


@jit(inline="always")
def _cavity_ratio(exp_belief, ratio):
    """exp(belief − message back) from the node's exp(belief) and the message's odds ratio,
    or −1 when either is unknown or out of range."""
    if exp_belief >= 0.0 and ratio > 0.0 and ratio < math.inf:
        return exp_belief / ratio
    return -1.0


@jit(inline="always")
def _flood_binary(args):
    (
        unary_odds,
        edges,
        logpot,
        pot,
        indptr,
        incoming,
        odds,
        spare,
        ratio,
        spare_ratio,
        n_sweeps,
        tol,
        damping,
        kind_max,
    ) = args
    n = unary_odds.shape[0]
    E = edges.shape[0]
    belief = np.empty(n)
    exp_belief = np.full(n, -1.0)
    change = np.zeros(N_CHUNKS)
    done = 0
    last = math.inf
    shared = logpot.shape[0] == 1
    for _ in range(n_sweeps):
        for c in prange(N_CHUNKS):
            lo, hi = chunk_range(n, c, N_CHUNKS)
            _binary_beliefs(
                unary_odds, indptr, incoming, odds, belief, exp_belief, not kind_max, lo, hi
            )
        for c in prange(N_CHUNKS):
            lo, hi = chunk_range(E, c, N_CHUNKS)
            worst = 0.0
            for e in range(lo, hi):
                t = 0 if shared else e
                u = edges[e, 0]
                v = edges[e, 1]
                l00, l01, l10, l11 = (
                    logpot[t, 0, 0],
                    logpot[t, 0, 1],
                    logpot[t, 1, 0],
                    logpot[t, 1, 1],
                )
                p00, p01, p10, p11 = pot[t, 0, 0], pot[t, 0, 1], pot[t, 1, 0], pot[t, 1, 1]
                forward, forward_ratio = _binary_message(
                    belief[u] - odds[2 * e + 1],
                    _cavity_ratio(exp_belief[u], ratio[2 * e + 1]),
                    kind_max,
                    l00,
                    l01,
                    l10,
                    l11,
                    p00,
                    p01,
                    p10,
                    p11,
                )
                # v → u: the table seen from v is θ transposed
                backward, backward_ratio = _binary_message(
                    belief[v] - odds[2 * e],
                    _cavity_ratio(exp_belief[v], ratio[2 * e]),
                    kind_max,
                    l00,
                    l10,
                    l01,
                    l11,
                    p00,
                    p10,
                    p01,
                    p11,
                )
                if damping > 0.0:
                    forward = (1.0 - damping) * forward + damping * odds[2 * e]
                    backward = (1.0 - damping) * backward + damping * odds[2 * e + 1]
                    if not kind_max:
                        forward_ratio = math.exp(forward)
                        backward_ratio = math.exp(backward)
                worst = max(worst, abs(forward - odds[2 * e]), abs(backward - odds[2 * e + 1]))
                spare[2 * e] = forward
                spare[2 * e + 1] = backward
                spare_ratio[2 * e] = forward_ratio
                spare_ratio[2 * e + 1] = backward_ratio
            change[c] = worst
        odds, spare = spare, odds
        ratio, spare_ratio = spare_ratio, ratio
        done += 1
        last = change.max()
        if tol > 0.0 and last <= tol:
            break
    for c in prange(N_CHUNKS):
        lo, hi = chunk_range(n, c, N_CHUNKS)
        _binary_beliefs(unary_odds, indptr, incoming, odds, belief, exp_belief, False, lo, hi)
    return odds, ratio, belief, done, last


@jit(parallel=True)
def _flood_binary_parallel(args):
    return _flood_binary(args)


@jit
def _flood_binary_serial(args):
    return _flood_binary(args)


flood_binary = KernelPair(_flood_binary_parallel, _flood_binary_serial)
"""``(work, unary_odds (n,), edges, logpot, pot, indptr, incoming, odds (2E,), spare, ratio,
spare_ratio, n_sweeps, tol, damping, kind_max)``: ``n_sweeps`` flooding sweeps on log-odds
messages ``odds`` (``spare``: a buffer of the same shape; ``ratio = exp(odds)`` and its
buffer: with each node's exp(belief) they give a cavity's exp without an ``exp`` per
message; ``pot = exp(logpot − max)``), stopping early when ``tol > 0`` and the largest change
is ``<= tol``. Returns ``(odds, ratio, belief (n,), sweeps_done, last_change)``: the final
messages (either buffer) and the nodes' log-odds from them."""


@jit(inline="always")
def _beliefs(log_unary, indptr, incoming, messages, belief, lo, hi):
    k = log_unary.shape[1]
    for i in range(lo, hi):
        for x in range(k):
            belief[i, x] = log_unary[i, x]
        for s in range(indptr[i], indptr[i + 1]):
            d = incoming[s]
            for x in range(k):
                belief[i, x] += messages[d, x]


@jit(inline="always")
def _message(cavity, logpot, t, forward, kind_max, damping, old, out):
    """Message out(x_j) = ⊕_{xᵢ} cavity(xᵢ) + θ(xᵢ, x_j), normalised (⊕ = log-sum-exp or
    max), damped towards ``old``; returns the largest change of its log-ratios to state 0."""
    k = cavity.shape[0]
    for xj in range(k):
        hi = -math.inf
        for xi in range(k):
            a = cavity[xi] + (logpot[t, xi, xj] if forward else logpot[t, xj, xi])
            hi = max(hi, a)
        if kind_max:
            out[xj] = hi
        else:
            total = 0.0
            for xi in range(k):
                a = cavity[xi] + (logpot[t, xi, xj] if forward else logpot[t, xj, xi])
                total += math.exp(a - hi)
            out[xj] = hi + math.log(total)
    if damping > 0.0:
        for x in range(k):
            out[x] = (1.0 - damping) * out[x] + damping * old[x]
    norm = -math.inf
    for x in range(k):
        norm = max(norm, out[x])
    if not kind_max:
        total = 0.0
        for x in range(k):
            total += math.exp(out[x] - norm)
        norm += math.log(total)
    worst = 0.0
    for x in range(k):
        out[x] -= norm
        worst = max(worst, abs((out[x] - out[0]) - (old[x] - old[0])))
    return worst


@jit(inline="always")
def _flood(args):
    (
        log_unary,
        edges,
        logpot,
        indptr,
        incoming,
        messages,
        spare,
        n_sweeps,
        tol,
        damping,
        kind_max,
    ) = args
    n, k = log_unary.shape
    E = edges.shape[0]
    belief = np.empty((n, k))
    change = np.zeros(N_CHUNKS)
    done = 0
    last = math.inf
    shared = logpot.shape[0] == 1
    for _ in range(n_sweeps):
        for c in prange(N_CHUNKS):
            lo, hi = chunk_range(n, c, N_CHUNKS)
            _beliefs(log_unary, indptr, incoming, messages, belief, lo, hi)
        for c in prange(N_CHUNKS):
            lo, hi = chunk_range(E, c, N_CHUNKS)
            cavity = np.empty(k)
            worst = 0.0
            for e in range(lo, hi):
                t = 0 if shared else e
                for direction in range(2):
                    d = 2 * e + direction
                    sender = edges[e, direction]
                    for x in range(k):
                        cavity[x] = belief[sender, x] - messages[d ^ 1, x]
                    w = _message(
                        cavity, logpot, t, direction == 0, kind_max, damping, messages[d], spare[d]
                    )
                    worst = max(worst, w)
            change[c] = worst
        messages, spare = spare, messages
        done += 1
        last = change.max()
        if tol > 0.0 and last <= tol:
            break
    for c in prange(N_CHUNKS):
        lo, hi = chunk_range(n, c, N_CHUNKS)
        _beliefs(log_unary, indptr, incoming, messages, belief, lo, hi)
    return messages, belief, done, last


@jit(parallel=True)
def _flood_parallel(args):
    return _flood(args)


@jit
def _flood_serial(args):
    return _flood(args)


flood = KernelPair(_flood_parallel, _flood_serial)
"""``(work, log_unary, edges, logpot, indptr, incoming, messages (2E, k), spare, n_sweeps, tol,
damping, kind_max)``: as :data:`flood_binary` on full log messages; returns ``(messages,
belief (n, k), sweeps_done, last_change)``."""


@jit
def sequential(
    log_unary,
    edges,
    logpot,
    indptr,
    incoming,
    neighbour,
    messages,
    n_sweeps,
    tol,
    damping,
    kind_max,
):
    """Sequential sweeps, each message computed from the newest ones: messages ``2e``
    (u → v) for e ascending, then ``2e + 1`` (v → u) for e descending, so one sweep is exact
    on a chain whose edges run along it. Updates ``messages`` in place; returns
    ``(belief (n, k), sweeps_done, last_change)``."""
    n, k = log_unary.shape
    E = edges.shape[0]
    shared = logpot.shape[0] == 1
    cavity = np.empty(k)
    new = np.empty(k)
    done = 0
    last = math.inf
    for _ in range(n_sweeps):
        worst = 0.0
        for step in range(2 * E):
            e = step if step < E else 2 * E - 1 - step
            direction = 0 if step < E else 1
            d = 2 * e + direction
            sender = edges[e, direction]
            for x in range(k):
                cavity[x] = log_unary[sender, x]
            for s in range(indptr[sender], indptr[sender + 1]):
                if incoming[s] != (d ^ 1):
                    for x in range(k):
                        cavity[x] += messages[incoming[s], x]
            w = _message(
                cavity,
                logpot,
                0 if shared else e,
                direction == 0,
                kind_max,
                damping,
                messages[d],
                new,
            )
            messages[d, :] = new
            worst = max(worst, w)
        done += 1
        last = worst
        if tol > 0.0 and last <= tol:
            break
    belief = np.empty((n, k))
    _beliefs(log_unary, indptr, incoming, messages, belief, 0, n)
    return belief, done, last


@jit
def bethe_log_partition(log_unary, edges, logpot, indptr, incoming, messages):
    """The Bethe estimate −F_Bethe of log Z from sum-product messages (exact on trees):

    log Z ≈ Σₑ Σ bₑ (θₑ + θᵤ + θᵥ − log bₑ) − Σᵢ (dᵢ − 1) Σ bᵢ (θᵢ − log bᵢ),

    bᵢ ∝ ψᵢ Π m→ᵢ and bₑ ∝ ψₑ ψᵤ ψᵥ Π m→ᵤ (except v's) Π m→ᵥ (except u's).
    """
    n, k = log_unary.shape
    E = edges.shape[0]
    shared = logpot.shape[0] == 1
    belief = np.empty((n, k))
    _beliefs(log_unary, indptr, incoming, messages, belief, 0, n)
    total = 0.0
    for i in range(n):
        hi = belief[i].max()
        norm = hi + math.log(np.exp(belief[i] - hi).sum())
        degree = indptr[i + 1] - indptr[i]
        for x in range(k):
            lb = belief[i, x] - norm
            total -= (degree - 1) * math.exp(lb) * (log_unary[i, x] - lb)
    pair = np.empty((k, k))
    for e in range(E):
        t = 0 if shared else e
        u = edges[e, 0]
        v = edges[e, 1]
        hi = -math.inf
        for a in range(k):
            for b in range(k):
                pair[a, b] = (
                    logpot[t, a, b]
                    + belief[u, a]
                    - messages[2 * e + 1, a]
                    + belief[v, b]
                    - messages[2 * e, b]
                )
                hi = max(hi, pair[a, b])
        norm = hi + math.log(np.exp(pair - hi).sum())
        for a in range(k):
            for b in range(k):
                lb = pair[a, b] - norm
                total += math.exp(lb) * (logpot[t, a, b] + log_unary[u, a] + log_unary[v, b] - lb)
    return total
