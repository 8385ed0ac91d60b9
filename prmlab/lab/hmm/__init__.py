"""The HMM lab (no Qt): λ = (π, A, B) and a sequence O as a saveable State, Baum-Welch one
iteration at a time (``Experiment``) or from seeded restarts (``fit_restarts``), and what
the trellis shows of them (``Analysis``), all from ``prmlab.engine.hmm``.

>>> from prmlab.lab import hmm
>>> exp = hmm.Experiment(hmm.preset("Occasionally dishonest casino", seed=0))
>>> r = exp.step()  # one Baum-Welch iteration
>>> exp.state.iteration, r.analysis.log_likelihood  # doctest: +SKIP
"""

from prmlab.lab.hmm._analysis import (
    QUANTITIES,
    Analysis,
    analyse,
    block_mean,
    edge_shares,
    filled_before,
    gamma_overview,
    trellis_image,
)
from prmlab.lab.hmm._experiment import (
    PRESETS,
    TOL,
    Experiment,
    FitStep,
    Result,
    State,
    empty_state,
    fit_restarts,
    from_column,
    one_iteration,
    preset,
    random_start,
    rebased,
    results_table,
    sampled,
    with_model,
    with_observations,
    without_fit,
)
from prmlab.lab.hmm._model import (
    MAX_SYMBOLS,
    PRESET_MODELS,
    ROW_TOL,
    Model,
    align_states,
    bad_rows,
    checked_model,
    gaussian_densities,
    model_dict,
    normalised_rows,
    parse_symbols,
    random_model,
    symbols_of_column,
    symbols_text,
)
from prmlab.lab.hmm._summary import fit_summary, other_true_model

__all__ = [
    "MAX_SYMBOLS",
    "PRESETS",
    "PRESET_MODELS",
    "QUANTITIES",
    "ROW_TOL",
    "TOL",
    "Analysis",
    "Experiment",
    "FitStep",
    "Model",
    "Result",
    "State",
    "align_states",
    "analyse",
    "bad_rows",
    "block_mean",
    "checked_model",
    "edge_shares",
    "empty_state",
    "filled_before",
    "fit_summary",
    "fit_restarts",
    "from_column",
    "gamma_overview",
    "gaussian_densities",
    "model_dict",
    "normalised_rows",
    "one_iteration",
    "other_true_model",
    "parse_symbols",
    "preset",
    "random_model",
    "random_start",
    "rebased",
    "results_table",
    "sampled",
    "symbols_of_column",
    "symbols_text",
    "trellis_image",
    "with_model",
    "with_observations",
    "without_fit",
]
