"""The EM/GMM lab (no Qt): the data and the model's parameters as a saveable State, the
engine's EM (or k-means) one half-step at a time (``Experiment``), seeded restarts, BIC/AIC
vs K and the 2-D view, all from ``prmlab.engine``.

>>> from prmlab.lab import gmm
>>> exp = gmm.Experiment(gmm.preset("Old Faithful", seed=0))
>>> _ = exp.step(); _ = exp.step()  # E, then M
>>> exp.state.iteration, exp.result.log_likelihood  # doctest: +SKIP
"""

from prmlab.lab.gmm._analysis import (
    GMM_TOL,
    Criteria,
    Histogram,
    Projection,
    Restarts,
    criteria,
    monotonicity_breaks,
    projection,
    restarts,
    results_table,
    score_histogram,
    voronoi_regions,
)
from prmlab.lab.gmm._experiment import (
    COVARIANCE_TYPES,
    INITS,
    MAX_ITER,
    METHODS,
    PRESETS,
    VIEWS,
    Experiment,
    Kept,
    Result,
    State,
    check_state,
    estimator,
    fitted_data,
    kept,
    preset,
    restore,
)

__all__ = [
    "COVARIANCE_TYPES",
    "GMM_TOL",
    "INITS",
    "MAX_ITER",
    "METHODS",
    "PRESETS",
    "VIEWS",
    "Criteria",
    "Experiment",
    "Histogram",
    "Kept",
    "Projection",
    "Restarts",
    "Result",
    "State",
    "check_state",
    "criteria",
    "estimator",
    "fitted_data",
    "kept",
    "monotonicity_breaks",
    "preset",
    "projection",
    "restore",
    "restarts",
    "results_table",
    "score_histogram",
    "voronoi_regions",
]
