"""Belief propagation, sum-product (PRML §8.4.4) and max-sum (§8.4.5), in log space.

The message from node i to its neighbour j, with ψ = exp θ:

    m_{i→j}(x_j) = Σ_{xᵢ} ψᵢ(xᵢ) ψᵢⱼ(xᵢ, x_j) Π_{k ∈ N(i) \\ j} m_{k→i}(xᵢ)   (max for max-sum)

and the belief bᵢ(xᵢ) ∝ ψᵢ(xᵢ) Π_{k ∈ N(i)} m_{k→i}(xᵢ). On a tree (or chain) the beliefs
are the exact marginals (max-marginals) once messages have crossed the tree; on a loopy
graph the same updates ("loopy BP") give approximations, and may not converge.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy.special import expit

from prmlab.engine._validation import check_array, check_option, check_scalar
from prmlab.engine.pgm import _bp_kernels as kernels
from prmlab.engine.pgm._model import PairwiseMRF, check_model

KINDS = ("sum", "max")
SCHEDULES = ("parallel", "sequential")


class ConvergenceWarning(UserWarning):
    """An iterative inference stopped at ``max_iter`` before its changes fell to ``tol``."""


def _softplus(d: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, d)


def normalised_beliefs(log_belief: np.ndarray, kind: str) -> np.ndarray:
    """``(n, k)`` beliefs from unnormalised log beliefs: marginals summing to 1 (sum), or
    max-marginals scaled to 1 at each node's best state (max)."""
    shifted = np.exp(log_belief - log_belief.max(axis=1, keepdims=True))
    return shifted if kind == "max" else shifted / shifted.sum(axis=1, keepdims=True)


@dataclass(frozen=True, eq=False)
class BPResult:
    """Belief propagation after ``n_iter`` sweeps.

    ``messages (2 n_edges, n_states)``: log messages, ``2e`` from ``edges[e, 0]`` to
    ``edges[e, 1]`` and ``2e + 1`` back, each normalised (log-sum-exp 0 for sum, max 0 for
    max); ``marginals (n_nodes, n_states)``: the beliefs (max-marginals, 1 at the best state,
    for max); ``map (n_nodes,)``: each node's best state; ``log_partition``: the Bethe
    estimate of log Z (exact on trees), or for max-sum log p̃(map). ``change``: the largest
    change of a message's log-ratios m(x) − m(0) in the last sweep; ``converged``: it is
    ``<= tol``.
    """

    mrf: PairwiseMRF = field(repr=False)
    kind: str
    n_iter: int
    converged: bool
    change: float
    _log_odds: np.ndarray | None = field(repr=False)  # (2E,) binary flooding
    _messages: np.ndarray | None = field(repr=False)  # (2E, k) otherwise
    _belief: np.ndarray = field(repr=False)  # (n,) log-odds or (n, k) log beliefs

    @cached_property
    def messages(self) -> np.ndarray:
        if self._messages is not None:
            return self._messages
        d = self._log_odds
        if self.kind == "max":  # max 0: the smaller state sits |d| below
            return np.stack([np.minimum(-d, 0.0), np.minimum(d, 0.0)], axis=1)
        return np.stack([-_softplus(d), d - _softplus(d)], axis=1)

    @cached_property
    def marginals(self) -> np.ndarray:
        b = self._belief
        if b.ndim == 2:
            return normalised_beliefs(b, self.kind)
        if self.kind == "max":
            return np.exp(np.stack([np.minimum(-b, 0.0), np.minimum(b, 0.0)], axis=1))
        return np.stack([expit(-b), expit(b)], axis=1)

    @cached_property
    def map(self) -> np.ndarray:
        b = self._belief
        return np.argmax(b, axis=1) if b.ndim == 2 else (b > 0).astype(np.int64)

    @cached_property
    def log_partition(self) -> float:
        mrf = self.mrf
        if self.kind == "max":
            return float(mrf.log_score(self.map))
        adj = mrf.adjacency
        return float(
            kernels.bethe_log_partition(
                mrf.log_unary,
                mrf.edges,
                mrf.potentials,
                adj.indptr,
                adj.incoming,
                np.ascontiguousarray(self.messages),
            )
        )


@dataclass
class _Run:
    """Messages between calls of the kernels (two buffers for the flooding schedule)."""

    mrf: PairwiseMRF
    kind: str
    tol: float
    damping: float
    schedule: str
    current: np.ndarray
    spare: np.ndarray
    ratio: np.ndarray | None = None  # binary flooding: exp(current), and its spare buffer
    spare_ratio: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.binary:
            self.ratio = np.exp(self.current)
            self.spare_ratio = np.empty_like(self.ratio)

    @property
    def binary(self) -> bool:
        return self.current.ndim == 1

    def sweep(self, n_sweeps: int) -> tuple[np.ndarray, int, float]:
        """Run up to ``n_sweeps`` sweeps; returns (beliefs, sweeps done, last change)."""
        mrf, adj = self.mrf, self.mrf.adjacency
        kind_max = self.kind == "max"
        if self.schedule == "sequential":
            return kernels.sequential(
                mrf.log_unary,
                mrf.edges,
                mrf.potentials,
                adj.indptr,
                adj.incoming,
                adj.neighbour,
                self.current,
                n_sweeps,
                self.tol,
                self.damping,
                kind_max,
            )
        work = mrf.n_nodes + mrf.n_edges
        buffers = (adj.indptr, adj.incoming, self.current, self.spare)
        settings = (n_sweeps, self.tol, self.damping, kind_max)
        if self.binary:
            logpot = mrf.potentials
            pot = np.exp(logpot - logpot.max(axis=(1, 2), keepdims=True))
            unary_odds = mrf.log_unary[:, 1] - mrf.log_unary[:, 0]
            messages, ratio, belief, done, last = kernels.flood_binary(
                work,
                unary_odds,
                mrf.edges,
                logpot,
                pot,
                *buffers,
                self.ratio,
                self.spare_ratio,
                *settings,
            )
            if ratio.ctypes.data != self.ratio.ctypes.data:
                self.ratio, self.spare_ratio = self.spare_ratio, self.ratio
        else:
            messages, belief, done, last = kernels.flood(
                work, mrf.log_unary, mrf.edges, mrf.potentials, *buffers, *settings
            )
        # the kernel swaps its two buffers each sweep: keep the newest as ``current``
        if messages.ctypes.data != self.current.ctypes.data:
            self.current, self.spare = self.spare, self.current
        return belief, done, last

    def result(self, belief: np.ndarray, n_iter: int, change: float, copy: bool) -> BPResult:
        state = self.current.copy() if copy else self.current
        return BPResult(
            self.mrf,
            self.kind,
            n_iter,
            bool(change <= self.tol),
            float(change),
            state if self.binary else None,
            None if self.binary else state,
            belief,
        )


def _check_messages(mrf: PairwiseMRF, messages: Any, name: str) -> np.ndarray:
    shape = (2 * mrf.n_edges, mrf.n_states)
    if mrf.n_edges == 0 and np.shape(messages) == shape:  # no edges: nothing to check
        return np.zeros(shape)
    msgs = check_array(messages, name, ndim=2)
    if msgs.shape != shape:
        raise ValueError(
            f"{name} must hold one log message per directed edge, shape (2 n_edges, "
            f"n_states) = {shape}, got {msgs.shape}; pass a BPResult's .messages"
        )
    return msgs


def _start(
    mrf: Any, kind: str, max_iter: int, tol: float, damping: float, schedule: str, init: Any
) -> _Run:
    """Check the arguments and set up the messages (uniform, or ``init``)."""
    mrf = check_model(mrf)
    kind = check_option(kind, "kind", KINDS)
    check_scalar(max_iter, "max_iter", integer=True, ge=1)
    tol = check_scalar(tol, "tol", ge=0.0)
    damping = check_scalar(damping, "damping", ge=0.0, lt=1.0)
    schedule = check_option(schedule, "schedule", SCHEDULES)
    if init is None:
        messages = np.zeros((2 * mrf.n_edges, mrf.n_states))
    else:
        messages = _check_messages(mrf, init, "init").copy()
    if schedule == "parallel" and mrf.n_states == 2:
        odds = np.ascontiguousarray(messages[:, 1] - messages[:, 0])
        return _Run(mrf, kind, tol, damping, schedule, odds, np.empty_like(odds))
    return _Run(mrf, kind, tol, damping, schedule, messages, np.empty_like(messages))


def _warn_unconverged(result: BPResult, tol: float) -> None:
    if tol > 0 and not result.converged:
        warnings.warn(
            f"belief propagation did not converge in {result.n_iter} sweeps (largest message "
            f"change {result.change:.3g} > tol = {tol:g}); raise max_iter, add damping "
            "(e.g. damping=0.5) or try schedule='sequential'. On a loopy graph BP may "
            "oscillate for ever",
            ConvergenceWarning,
            stacklevel=3,
        )


def belief_propagation(
    mrf: PairwiseMRF,
    kind: str = "sum",
    max_iter: int = 100,
    tol: float = 1e-8,
    damping: float = 0.0,
    schedule: str = "parallel",
    init: Any = None,
) -> BPResult:
    """Sum-product (``kind="sum"``, marginals) or max-sum (``"max"``, MAP) message passing.

    ``schedule="parallel"`` (flooding): every message of a sweep from the previous sweep's
    messages; ``"sequential"``: u → v messages in edge order, then v → u in reverse order,
    each from the newest messages. Stops after ``max_iter`` sweeps or when no message's
    log-ratio changed by more than ``tol`` (``tol=0``: exactly ``max_iter`` sweeps).
    ``damping`` λ ∈ [0, 1): log m ← (1 − λ) log m_new + λ log m_old. ``init``: log messages
    ``(2 n_edges, n_states)`` to start from (default uniform). Warns
    (:class:`ConvergenceWarning`) when ``tol > 0`` is not reached.
    """
    run = _start(mrf, kind, max_iter, tol, damping, schedule, init)
    belief, done, change = run.sweep(max_iter)
    result = run.result(belief, done, change, copy=False)
    _warn_unconverged(result, run.tol)
    return result


def iter_belief_propagation(
    mrf: PairwiseMRF,
    kind: str = "sum",
    max_iter: int = 100,
    tol: float = 1e-8,
    damping: float = 0.0,
    schedule: str = "parallel",
    init: Any = None,
) -> Generator[BPResult, None, BPResult]:
    """:func:`belief_propagation` one sweep at a time: yields a :class:`BPResult` (fresh
    arrays) after each sweep, the same numbers as the batch form; returns the last."""
    run = _start(mrf, kind, max_iter, tol, damping, schedule, init)
    result = None
    for sweep in range(1, max_iter + 1):
        belief, _, change = run.sweep(1)
        result = run.result(belief, sweep, change, copy=True)
        yield result
        if run.tol > 0 and result.converged:
            break
    _warn_unconverged(result, run.tol)
    return result


def message_update(mrf: PairwiseMRF, messages: Any, index: int, kind: str = "sum") -> np.ndarray:
    """The new log message ``index`` (``2e``: ``edges[e, 0] → edges[e, 1]``, ``2e + 1``
    back) from ``messages (2 n_edges, n_states)``, normalised as in :class:`BPResult`; for
    stepping one message at a time. ``messages`` is not changed."""
    mrf = check_model(mrf)
    kind = check_option(kind, "kind", KINDS)
    msgs = _check_messages(mrf, messages, "messages")
    check_scalar(index, "index", integer=True, ge=0, lt=2 * mrf.n_edges)
    e, direction = divmod(int(index), 2)
    sender = mrf.edges[e, direction]
    adj = mrf.adjacency
    slots = slice(adj.indptr[sender], adj.indptr[sender + 1])
    arriving = adj.incoming[slots]
    cavity = mrf.log_unary[sender] + msgs[arriving[arriving != (index ^ 1)]].sum(axis=0)
    table = mrf.pairwise(e) if direction == 0 else mrf.pairwise(e).T
    scores = cavity[:, None] + table  # (x_sender, x_receiver)
    if kind == "max":
        out = scores.max(axis=0)
        return out - out.max()
    out = np.logaddexp.reduce(scores, axis=0)
    return out - np.logaddexp.reduce(out)


def node_beliefs(mrf: PairwiseMRF, messages: Any, kind: str = "sum") -> np.ndarray:
    """``(n_nodes, n_states)`` beliefs bᵢ ∝ ψᵢ Π m→ᵢ from log ``messages``, normalised as
    :attr:`BPResult.marginals`."""
    mrf = check_model(mrf)
    kind = check_option(kind, "kind", KINDS)
    msgs = _check_messages(mrf, messages, "messages")
    adj = mrf.adjacency
    owner = np.repeat(np.arange(mrf.n_nodes), np.diff(adj.indptr))
    log_belief = mrf.log_unary.copy()
    np.add.at(log_belief, owner, msgs[adj.incoming])
    return normalised_beliefs(log_belief, kind)
