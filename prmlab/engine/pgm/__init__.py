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
    """Compile (or load from the cache) every kernel on a tiny model."""
    mrf = ising_grid(2, 3, 0.5, 0.1)
    three = PairwiseMRF(np.linspace(-1.0, 1.0, 18).reshape(6, 3), mrf.edges, np.eye(3))
    for model in (mrf, three):
        for kind in ("sum", "max"):
            for schedule in ("parallel", "sequential"):
                result = belief_propagation(model, kind, max_iter=2, tol=0.0, schedule=schedule)
                if not np.isfinite(result.log_partition):  # compiles the Bethe kernel too
                    raise RuntimeError("pgm warm-up: belief propagation gave a non-finite log Z")
        mean_field(model, max_iter=2, tol=0.0)
        gibbs(model, 2, burn_in=1, record=[0])
        exact_inference(model)
