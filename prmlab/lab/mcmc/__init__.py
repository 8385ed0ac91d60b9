"""The MCMC lab (no Qt): a target, a sampler's settings and seed as a saveable State, the
chains advanced step by step (``Experiment``, deterministic for its State: scrub back to any
step), their diagnostics, and rejection and importance sampling, all from
``prmlab.engine.mcmc``.

>>> from prmlab.lab import mcmc
>>> exp = mcmc.Experiment(mcmc.preset("Banana", seed=0))
>>> r = exp.advance(500)
>>> exp.state.steps, r.chains.shape
(500, (4, 501, 2))
"""

from prmlab.lab.mcmc._analysis import (
    DRAWN_POINTS,
    Diagnostics,
    acceptance_curves,
    acceptance_rates,
    chains_table,
    diagnose,
    histograms,
    kept_window,
    trace_envelope,
)
from prmlab.lab.mcmc._experiment import RECENT, Experiment, Progress, Result
from prmlab.lab.mcmc._state import (
    CUSTOM,
    EXPRESSIONS,
    MAX_CHAINS,
    MAX_STEPS,
    PRESETS,
    STEPS_PER_TICK,
    VIEWS,
    Settings,
    State,
    at_step,
    custom,
    method_params,
    preset,
    restarted,
    with_params,
)
from prmlab.lab.mcmc._target import (
    LEVELS,
    Rejection,
    TargetView,
    importance,
    monte_carlo_table,
    prepare_target,
    proposal,
    rejection,
)

__all__ = [
    "CUSTOM",
    "DRAWN_POINTS",
    "EXPRESSIONS",
    "LEVELS",
    "MAX_CHAINS",
    "MAX_STEPS",
    "PRESETS",
    "RECENT",
    "STEPS_PER_TICK",
    "VIEWS",
    "Diagnostics",
    "Experiment",
    "Progress",
    "Rejection",
    "Result",
    "Settings",
    "State",
    "TargetView",
    "acceptance_curves",
    "acceptance_rates",
    "at_step",
    "chains_table",
    "custom",
    "diagnose",
    "histograms",
    "importance",
    "kept_window",
    "method_params",
    "monte_carlo_table",
    "prepare_target",
    "preset",
    "proposal",
    "rejection",
    "restarted",
    "trace_envelope",
    "with_params",
]
