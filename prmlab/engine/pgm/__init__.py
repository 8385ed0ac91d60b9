"""Probabilistic graphical models (PRML chapter 8, §10.1, §11.3).

Models: ``PairwiseMRF`` (log potentials on nodes and edges), ``ising_grid`` (binary image
denoising). Inference on the same model: ``exact_inference`` (enumeration, small models),
``belief_propagation`` / ``iter_belief_propagation`` (sum-product and max-sum, log space),
``mean_field`` / ``iter_mean_field``, ``gibbs`` / ``iter_gibbs``; single steps for teaching:
``message_update``, ``node_beliefs``. Bayesian-network structure: ``d_separated``,
``bayes_ball``, ``moralize``.
"""

import numpy as np

from prmlab.engine.pgm._bp import (
    BPResult,
    ConvergenceWarning,
    belief_propagation,
    iter_belief_propagation,
    message_update,
    node_beliefs,
)
from prmlab.engine.pgm._dag import BayesBall, bayes_ball, d_separated, moralize
from prmlab.engine.pgm._exact import MAX_CONFIGURATIONS, ExactResult, exact_inference
from prmlab.engine.pgm._gibbs import GibbsResult, gibbs, iter_gibbs
from prmlab.engine.pgm._mean_field import MeanFieldResult, iter_mean_field, mean_field
from prmlab.engine.pgm._model import PairwiseMRF, ising_grid

__all__ = [
    "MAX_CONFIGURATIONS",
    "BPResult",
    "BayesBall",
    "ConvergenceWarning",
    "ExactResult",
    "GibbsResult",
    "MeanFieldResult",
    "PairwiseMRF",
    "bayes_ball",
    "belief_propagation",
    "d_separated",
    "exact_inference",
    "gibbs",
    "ising_grid",
    "iter_belief_propagation",
    "iter_gibbs",
    "iter_mean_field",
    "mean_field",
    "message_update",
    "moralize",
    "node_beliefs",
    "warmup",
]


def warmup() -> None:
    """Compile (or load from the cache) every kernel: the serial ones on tiny models, the
    parallel ones on a grid above ``PARALLEL_FROM`` (a few sweeps: milliseconds)."""
    tiny = ising_grid(2, 3, 0.5, 0.1)
    large = ising_grid(100, 100, 0.5, 0.1)
    for grid in (tiny, large):
        three = PairwiseMRF(
            np.resize(np.linspace(-1.0, 1.0, 7), (grid.n_nodes, 3)), grid.edges, np.eye(3)
        )
        for model in (grid, three):
            for kind in ("sum", "max"):
                result = belief_propagation(model, kind, max_iter=2, tol=0.0)
                if not np.isfinite(result.log_partition):  # compiles the Bethe kernel too
                    raise RuntimeError("pgm warm-up: belief propagation gave a non-finite log Z")
            mean_field(model, max_iter=2, tol=0.0)
            gibbs(model, 2, burn_in=1, record=[0])
    for model in (tiny, PairwiseMRF(np.zeros((6, 3)), tiny.edges, np.eye(3))):
        belief_propagation(model, max_iter=2, tol=0.0, schedule="sequential")
        exact_inference(model)
