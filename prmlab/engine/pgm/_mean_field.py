"""Mean-field variational inference (PRML §10.1): a fully factorised q(x) = Πᵢ qᵢ(xᵢ)
fitted by coordinate ascent on the evidence lower bound

    ELBO(q) = E_q[log p̃(x)] + H(q) = log Z − KL(q ‖ p) ≤ log Z,

each update qᵢ(xᵢ) ∝ exp(θᵢ(xᵢ) + Σ_j Σ_{x_j} q_j(x_j) θᵢⱼ(xᵢ, x_j)) (PRML (10.9)) maximising
the ELBO over qᵢ with the others fixed, so the ELBO never decreases.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from prmlab.engine._validation import check_random_state, check_scalar
from prmlab.engine.pgm._bp import ConvergenceWarning
from prmlab.engine.pgm._kernels import elbo_parts, mean_field_sweep
from prmlab.engine.pgm._model import PairwiseMRF, check_model


@dataclass(frozen=True, eq=False)
class MeanFieldResult:
    """Mean field after ``n_iter`` sweeps.

    ``marginals (n_nodes, n_states)``: the factors qᵢ(xᵢ); ``elbo_history_ (n_iter + 1,)``:
    the ELBO at the start and after each sweep (non-decreasing, each ≤ log Z);
    ``change``: the largest change of any qᵢ(xᵢ) in the last sweep; ``converged``: it is
    ``<= tol``.
    """

    marginals: np.ndarray = field(repr=False)
    elbo_history_: np.ndarray = field(repr=False)
    n_iter: int
    converged: bool
    change: float

    @property
    def elbo(self) -> float:
        """The final ELBO."""
        return float(self.elbo_history_[-1])

    @property
    def map(self) -> np.ndarray:
        """``(n_nodes,)`` each factor's most probable state."""
        return np.argmax(self.marginals, axis=1)


def _elbo(mrf: PairwiseMRF, q: np.ndarray) -> float:
    work = mrf.n_nodes + mrf.n_edges
    return float(elbo_parts(work, mrf.log_unary, mrf.edges, mrf.potentials, q).sum())


def _sweep(mrf: PairwiseMRF, q: np.ndarray) -> float:
    adj, colours = mrf.adjacency, mrf.colouring
    return float(
        mean_field_sweep(
            mrf.n_nodes + mrf.n_edges,
            mrf.log_unary,
            mrf.potentials,
            adj.indptr,
            adj.neighbour,
            adj.incoming,
            colours.start,
            colours.nodes,
            q,
        )
    )


def iter_mean_field(
    mrf: PairwiseMRF, max_iter: int = 100, tol: float = 1e-8, seed: int = 0
) -> Generator[MeanFieldResult, None, MeanFieldResult]:
    """:func:`mean_field` one sweep at a time: yields a :class:`MeanFieldResult` (fresh
    arrays) after each sweep; returns the last."""
    mrf = check_model(mrf)
    check_scalar(max_iter, "max_iter", integer=True, ge=1)
    tol = check_scalar(tol, "tol", ge=0.0)
    rng = check_random_state(seed)
    # a random start breaks the symmetry of a field-free model (uniform q is a fixed point)
    q = rng.dirichlet(np.ones(mrf.n_states), size=mrf.n_nodes)
    history = [_elbo(mrf, q)]
    result = None
    for sweep in range(1, max_iter + 1):
        change = _sweep(mrf, q)
        history.append(_elbo(mrf, q))
        result = MeanFieldResult(q.copy(), np.array(history), sweep, change <= tol, change)
        yield result
        if tol > 0 and result.converged:
            break
    if tol > 0 and not result.converged:
        warnings.warn(
            f"mean field did not converge in {result.n_iter} sweeps (largest change of a "
            f"factor {result.change:.3g} > tol = {tol:g}); raise max_iter",
            ConvergenceWarning,
            stacklevel=2,
        )
    return result


def mean_field(
    mrf: PairwiseMRF, max_iter: int = 100, tol: float = 1e-8, seed: int = 0
) -> MeanFieldResult:
    """Fit q(x) = Πᵢ qᵢ(xᵢ) by coordinate ascent from a random start drawn with ``seed``.

    A sweep updates every factor once, colour class by colour class (a checkerboard on a
    grid: nodes of one class share no edge, so their updates are exact coordinate steps).
    Stops after ``max_iter`` sweeps or when no qᵢ(xᵢ) changed by more than ``tol``
    (``tol=0``: exactly ``max_iter`` sweeps).
    """
    steps = iter_mean_field(mrf, max_iter, tol, seed)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
