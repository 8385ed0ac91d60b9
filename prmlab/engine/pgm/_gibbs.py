"""Gibbs sampling of a pairwise MRF (PRML §11.3): each node in turn drawn from its
conditional given its neighbours (its Markov blanket),

    p(xᵢ | x₋ᵢ) ∝ exp(θᵢ(xᵢ) + Σ_{j ∈ N(i)} θᵢⱼ(xᵢ, x_j)).

A sweep visits the nodes colour class by colour class (a checkerboard on a grid): nodes of
one class share no edge, so drawing them at once is the same as drawing them in turn. A
binary :func:`ising_grid` model runs on a kernel that finds neighbours by index arithmetic;
it draws other (equally valid) numbers than the general kernel would for the same model.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prmlab.engine._normal_stream import seed_streams
from prmlab.engine._parallel import N_CHUNKS
from prmlab.engine._validation import check_random_state, check_scalar
from prmlab.engine.pgm._gibbs_kernels import gibbs_sweeps, grid_sweeps
from prmlab.engine.pgm._model import PairwiseMRF, check_model


@dataclass(frozen=True, eq=False)
class GibbsResult:
    """Gibbs sampling after ``sweep`` sweeps (burn-in included).

    ``marginals (n_nodes, n_states)``: the share of the sweeps after burn-in in which each
    node was in each state (before the first of them: the current state, one-hot);
    ``samples (n_kept, len(record))``: the recorded nodes' states after each kept sweep;
    ``state (n_nodes,)``: the current configuration; ``n_kept``: sweeps after burn-in.
    """

    marginals: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)
    state: np.ndarray = field(repr=False)
    sweep: int
    n_kept: int
    burn_in: int

    @property
    def in_burn_in(self) -> bool:
        return self.sweep <= self.burn_in


def _check_record(record: Any, n_nodes: int) -> np.ndarray:
    if record is None:
        return np.zeros(0, dtype=np.int64)
    nodes = np.atleast_1d(np.asarray(record))
    if nodes.ndim != 1 or (nodes.size and nodes.dtype.kind not in "iu"):
        raise ValueError(f"record must be a list of node indices (whole numbers), got {record!r}")
    bad = (nodes < 0) | (nodes >= n_nodes)
    if bad.any():
        raise ValueError(
            f"record holds node {int(nodes[bad][0])}, out of range: node indices run "
            f"0..{n_nodes - 1}; drop or fix it"
        )
    return nodes.astype(np.int64)


# exp(±700) is within float64: a product of grid factors then neither overflows nor vanishes
_FACTOR_RANGE = 700.0


def _grid_factors(mrf: PairwiseMRF) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The grid kernel's ``exp(−log-odds)`` factors for a binary Ising-grid model, or None
    (another model, or log-odds too large for a product of factors: the general kernel)."""
    if mrf.grid_shape is None or mrf.n_states != 2 or not mrf.shared_pairwise:
        return None
    table = mrf.log_pairwise
    log_odds = mrf.log_unary[:, 1] - mrf.log_unary[:, 0]
    first_end, second_end = table[1] - table[0], table[:, 1] - table[:, 0]
    reach = np.abs(log_odds).max() + 4 * max(np.abs(first_end).max(), np.abs(second_end).max())
    if reach >= _FACTOR_RANGE:
        return None
    return np.exp(-log_odds), np.exp(-first_end), np.exp(-second_end)


class _Chain:
    """The sampler's state between kernel calls."""

    def __init__(self, mrf: PairwiseMRF, n_kept: int, seed: Any, record: np.ndarray) -> None:
        self.mrf = mrf
        rng = check_random_state(seed)
        self.state = rng.integers(0, mrf.n_states, size=mrf.n_nodes).astype(np.int64)
        self.streams = seed_streams(rng, N_CHUNKS)
        self.counts = np.zeros((mrf.n_nodes, mrf.n_states), dtype=np.int64)
        self.record = record
        self.samples = np.zeros((n_kept, record.size), dtype=np.int64)
        self.kept = 0
        self.grid = _grid_factors(mrf)

    def run(self, n_sweeps: int, keep: bool) -> None:
        mrf = self.mrf
        samples = self.samples if keep and self.record.size else self.samples[:0]
        work = mrf.n_nodes + mrf.n_edges
        if self.grid is not None:
            odds_factor, first_factor, second_factor = self.grid
            ones = self.counts[:, 1].copy() if keep else np.zeros(0, dtype=np.int64)
            grid_sweeps(
                work,
                odds_factor,
                *mrf.grid_shape,
                first_factor,
                second_factor,
                self.state,
                self.streams,
                n_sweeps,
                ones,
                self.record,
                samples,
                self.kept,
            )
            if keep:
                self.counts[:, 1] = ones
                self.counts[:, 0] = self.kept + n_sweeps - ones
        else:
            counts = self.counts if keep else self.counts[:0]
            common = (self.state, self.streams, n_sweeps, counts, self.record, samples, self.kept)
            adj, colours = mrf.adjacency, mrf.colouring
            gibbs_sweeps(
                work,
                mrf.log_unary,
                mrf.potentials,
                adj.indptr,
                adj.neighbour,
                adj.incoming,
                colours.start,
                colours.nodes,
                *common,
            )
        if keep:
            self.kept += n_sweeps

    def result(self, sweep: int, burn_in: int, copy: bool) -> GibbsResult:
        # before the first kept sweep: the current state, one-hot
        k = self.mrf.n_states
        marginals = self.counts / self.kept if self.kept else np.eye(k)[self.state]
        samples = self.samples[: self.kept]
        state = self.state
        if copy:
            samples, state = samples.copy(), state.copy()
        return GibbsResult(marginals, samples, state, sweep, self.kept, burn_in)


def _start(mrf: Any, n_sweeps: Any, burn_in: Any, seed: Any, record: Any) -> _Chain:
    mrf = check_model(mrf)
    n_sweeps = check_scalar(n_sweeps, "n_sweeps", integer=True, ge=1)
    check_scalar(burn_in, "burn_in", integer=True, ge=0)
    return _Chain(mrf, n_sweeps, seed, _check_record(record, mrf.n_nodes))


def gibbs(
    mrf: PairwiseMRF, n_sweeps: int, burn_in: int = 0, seed: Any = 0, record: Any = None
) -> GibbsResult:
    """``burn_in`` sweeps discarded, then ``n_sweeps`` kept (burn-in is extra), from a
    uniformly random start drawn with ``seed``. ``record``: node indices whose states are
    kept per sweep in ``.samples (n_sweeps, len(record))`` (None: none). The same seed gives
    the same numbers on any number of threads.
    """
    chain = _start(mrf, n_sweeps, burn_in, seed, record)
    if burn_in:
        chain.run(burn_in, keep=False)
    chain.run(n_sweeps, keep=True)
    return chain.result(burn_in + n_sweeps, burn_in, copy=False)


def iter_gibbs(
    mrf: PairwiseMRF, n_sweeps: int, burn_in: int = 0, seed: Any = 0, record: Any = None
) -> Generator[GibbsResult, None, GibbsResult]:
    """:func:`gibbs` one sweep at a time (burn-in sweeps too): yields a :class:`GibbsResult`
    (fresh arrays) after each, the same numbers as the batch form; returns the last."""
    chain = _start(mrf, n_sweeps, burn_in, seed, record)
    result = None
    for sweep in range(1, burn_in + n_sweeps + 1):
        chain.run(1, keep=sweep > burn_in)
        result = chain.result(sweep, burn_in, copy=True)
        yield result
    return result
