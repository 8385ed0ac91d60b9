"""Exact inference by enumeration, the reference every approximation is measured against."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine.pgm._kernels import enumerate_configurations
from prmlab.engine.pgm._model import PairwiseMRF, check_model

# 2**22 configurations: ~4 M scores (32 MB), a fraction of a second.
MAX_CONFIGURATIONS = 2**22


@dataclass(frozen=True, eq=False)
class ExactResult:
    """Exact answers for a small model.

    ``marginals (n_nodes, n_states)``: p(xᵢ); ``log_partition``: log Z; ``map (n_nodes,)``:
    the most probable configuration (first in enumeration order on ties); ``log_max``:
    log p̃(map); ``max_marginals (n_nodes, n_states)``: max over the other nodes of
    p̃(x) / p̃(map) with xᵢ fixed (1 at the MAP state), what max-product BP computes.
    """

    marginals: np.ndarray
    log_partition: float
    map: np.ndarray
    log_max: float
    max_marginals: np.ndarray


def exact_inference(mrf: PairwiseMRF) -> ExactResult:
    """Marginals, log Z and the MAP of ``mrf`` by summing over all n_states ** n_nodes
    configurations: Z = Σₓ exp(Σᵢ θᵢ(xᵢ) + Σₑ θₑ(x_u, x_v)).

    Refuses models above ``MAX_CONFIGURATIONS`` (2**22: 22 binary nodes, 13 with 3 states).
    """
    check_model(mrf)
    n, k = mrf.n_nodes, mrf.n_states
    if k**n > MAX_CONFIGURATIONS:
        raise ValueError(
            f"exact_inference enumerates n_states ** n_nodes = {k}**{n} = {k**n:,} "
            f"configurations, more than the limit of {MAX_CONFIGURATIONS:,} (22 binary "
            "nodes); use belief_propagation, mean_field or gibbs for this model, or a "
            "smaller one"
        )
    log_z, marginals, max_marginals, best, log_max = enumerate_configurations(
        mrf.log_unary, mrf.edges, mrf.potentials
    )
    return ExactResult(marginals, float(log_z), best, float(log_max), max_marginals)
